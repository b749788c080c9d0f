// s3rver.mjs: s3rver (pinned in package.json) with SigV4 verification in front of it.
//
// s3rver checks the access key and the expiry of a signed request but not its signature ("Signature
// version 4 calculation is unimplemented", lib/middleware/authentication.js). This wrapper
// recomputes every signature with the AWS SDK's own signer (@smithy/signature-v4, the one
// @aws-sdk/client-s3 signs with) from the request as it arrived: method, raw path, query, and the
// headers named in SignedHeaders with the values the client sent. A mismatch is 403
// SignatureDoesNotMatch, an unsigned request 403 AccessDenied (a private bucket), a header-signed
// request more than 15 minutes off 403 RequestTimeTooSkewed, as S3 answers. So the C code's
// presigned URLs and signed requests are checked as sent on the wire, Content-Length and
// Content-Type of an upload included. OPTIONS (CORS preflight) passes unsigned.
//
// Usage: node s3rver.mjs DIR PORT BUCKET   (listens on 127.0.0.1; credentials S3RVER / S3RVER,
// region any). Prints "s3rver: listening on 127.0.0.1:PORT" when ready; SIGTERM stops it.
import S3rver from "s3rver";
import S3Error from "s3rver/lib/models/error.js";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac } from "node:crypto";

const [dir, port, bucket] = process.argv.slice(2);
if (!dir || !/^\d+$/.test(port || "") || !bucket) {
  console.error("usage: node s3rver.mjs DIR PORT BUCKET");
  process.exit(2);
}
const SECRETS = { S3RVER: "S3RVER" };

class Sha256 {
  constructor(secret) {
    this.h = secret ? createHmac("sha256", Buffer.from(secret)) : createHash("sha256");
  }
  update(data) {
    this.h.update(data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

// 20260102T030405Z -> Date
function amzDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || "");
  if (!m) throw new S3Error("AuthorizationQueryParametersError", "X-Amz-Date is malformed");
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

// The raw query, decoded as S3 does (no '+' for space), in arrival order.
function rawQuery(url) {
  const i = url.indexOf("?");
  const out = [];
  if (i < 0) return out;
  for (const part of url.slice(i + 1).split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    out.push([name, eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1))]);
  }
  return out;
}

function deny(code, message) {
  throw new S3Error(code, message);
}

// the headers the client signed, with the values it sent
function signedHeaders(ctx, list) {
  const headers = {};
  for (const name of list.split(";")) {
    if (!(name in ctx.headers)) deny("AccessDenied", `signed header ${name} was not sent`);
    headers[name] = ctx.headers[name];
  }
  return headers;
}

async function verify(ctx) {
  const url = ctx.originalUrl;
  const path = url.split("?")[0];
  const query = rawQuery(url);
  const q = Object.fromEntries(query);
  const auth = ctx.get("authorization");
  if ("X-Amz-Signature" in q) {
    const cred = /^([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request$/.exec(q["X-Amz-Credential"] || "");
    if (!cred || q["X-Amz-Algorithm"] !== "AWS4-HMAC-SHA256" || !q["X-Amz-SignedHeaders"])
      deny("AuthorizationQueryParametersError", "malformed X-Amz-* parameters");
    const secret = SECRETS[cred[1]];
    if (!secret) deny("InvalidAccessKeyId", "unknown access key");
    const own = new Set(["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
      "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"]);
    const headers = signedHeaders(ctx, q["X-Amz-SignedHeaders"]);
    headers["x-amz-content-sha256"] = q["X-Amz-Content-Sha256"] || "UNSIGNED-PAYLOAD";
    const signer = new SignatureV4({ service: "s3", region: cred[3], sha256: Sha256,
      credentials: { accessKeyId: cred[1], secretAccessKey: secret }, uriEscapePath: false,
      applyChecksum: false });
    const expires = Number(q["X-Amz-Expires"]);
    const signedAt = amzDate(q["X-Amz-Date"]);
    if (!(expires >= 1 && expires <= 604800)) deny("AuthorizationQueryParametersError", "X-Amz-Expires");
    if (Date.now() > signedAt.getTime() + expires * 1000) deny("AccessDenied", "Request has expired");
    const out = await signer.presign({
      method: ctx.method, protocol: "http:", hostname: ctx.hostname, path, headers,
      query: Object.fromEntries(query.filter(([k]) => !own.has(k))),
    }, { signingDate: signedAt, expiresIn: expires,
      unhoistableHeaders: new Set(["x-amz-content-sha256"]),
      unsignableHeaders: new Set(["x-amz-content-sha256"]) });
    if (out.query["X-Amz-SignedHeaders"] !== q["X-Amz-SignedHeaders"] ||
        out.query["X-Amz-Signature"] !== q["X-Amz-Signature"])
      deny("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    return;
  }
  if (auth) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) deny("AccessDenied", "malformed Authorization header");
    const secret = SECRETS[m[1]];
    if (!secret) deny("InvalidAccessKeyId", "unknown access key");
    const headers = signedHeaders(ctx, m[4]);
    const signedAt = amzDate(headers["x-amz-date"]);
    if (Math.abs(Date.now() - signedAt.getTime()) > 15 * 60 * 1000)
      deny("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
    if (!headers["x-amz-content-sha256"]) deny("InvalidRequest", "x-amz-content-sha256 must be signed");
    const signer = new SignatureV4({ service: "s3", region: m[3], sha256: Sha256,
      credentials: { accessKeyId: m[1], secretAccessKey: secret }, uriEscapePath: false,
      applyChecksum: false });
    const out = await signer.sign({
      method: ctx.method, protocol: "http:", hostname: ctx.hostname, path, headers,
      query: Object.fromEntries(query),
    }, { signingDate: signedAt });
    if (out.headers.authorization !== auth)
      deny("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    return;
  }
  deny("AccessDenied", "Access Denied");
}

const server = new S3rver({ address: "127.0.0.1", port: Number(port), directory: dir, silent: false,
  configureBuckets: [{ name: bucket }] });
// after s3rver's request logger, before everything else
server.middleware.splice(1, 0, async (ctx, next) => {
  if (ctx.method !== "OPTIONS") await verify(ctx);
  return next();
});
const { port: bound } = await server.run();
console.log(`s3rver: listening on 127.0.0.1:${bound}`);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
