// gen-fixtures.mjs: presigned URLs from the AWS SDK for JavaScript v3 (@aws-sdk/s3-request-presigner,
// versions pinned in package.json) for fixed inputs, written as two fixture files that the C unit
// tests recompute byte for byte:
//   tests/unit/fixtures/sigv4-sdk.txt  lib/sc_sigv4.c's presigner (test_sigv4.c)
//   tests/unit/fixtures/s3-sdk.txt     lib/sc_s3.c's PUT and GET URLs (test_s3.c)
// Run: cd tests/s3 && npm ci && node gen-fixtures.mjs   (both files are rewritten)
//
// sigv4-sdk.txt, tab-separated: name method scheme host path expires unix-time region access-key
// secret-key session-token(or -) extra-query(name=value&..., raw values percent-encoded, or -) url
// The SDK puts X-Amz-Signature among the sorted parameters, AWS's documentation puts it last (as
// libsc does): the test compares the signature byte for byte and the parameters as a set.
//
// s3-sdk.txt, tab-separated: name method endpoint path-style(1/0) region bucket key expires
// unix-time access-key secret-key size(PUT, or -) file-name(GET, or -) content-type(or -) url
// The C test sets S3_* to these values and calls sc_s3_presign_put_at / sc_s3_presign_get_at:
// the whole URL must come out the same (parameters compared as a set). To get the URL lib/sc_s3.c
// makes, the SDK is asked to sign content-type (by default it leaves it out), to keep
// x-amz-content-sha256 out of the URL (it stays UNSIGNED-PAYLOAD in the signature, as in
// sc_s3.c) and to drop its x-id=PutObject/GetObject marker; ContentLength signs content-length.
import { S3Client, GetObjectCommand, PutObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "unit", "fixtures");

const cases = [
  { name: "path-style-put", cmd: PutObjectCommand, endpoint: "http://127.0.0.1:9000", pathStyle: true,
    region: "us-east-1", bucket: "uploads", key: "users/0b6a2e3c-1f00-4000-8000-000000000001/f 1.bin",
    expires: 900, date: "2026-01-02T03:04:05Z", ak: "sc-access", sk: "sc-secret/with+chars" },
  { name: "path-style-get-disposition", cmd: GetObjectCommand, endpoint: "http://127.0.0.1:9000",
    pathStyle: true, region: "us-east-1", bucket: "uploads", key: "users/u/report (1).pdf",
    expires: 3600, date: "2026-01-02T03:04:05Z", ak: "sc-access", sk: "sc-secret/with+chars",
    extra: { ResponseContentDisposition: 'attachment; filename="report (1).pdf"' } },
  { name: "virtual-host-get", cmd: GetObjectCommand, endpoint: "https://s3.eu-central-1.amazonaws.com",
    pathStyle: false, region: "eu-central-1", bucket: "my-bucket", key: "a/b+c=d&e~f.txt",
    expires: 604800, date: "2026-11-28T16:40:13Z", ak: "AKIAIOSFODNN7EXAMPLE",
    sk: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  { name: "session-token-head", cmd: HeadObjectCommand, endpoint: "https://minio.example.org:9443",
    pathStyle: true, region: "us-west-2", bucket: "b", key: "ü/x", expires: 60,
    date: "2026-06-30T23:59:59Z", ak: "ASIAEXAMPLE", sk: "secret", token: "tok/en+==" },
];

const sigv4Lines = [];
for (const c of cases) {
  const client = new S3Client({
    region: c.region, endpoint: c.endpoint, forcePathStyle: c.pathStyle,
    credentials: { accessKeyId: c.ak, secretAccessKey: c.sk, sessionToken: c.token },
    requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED",
  });
  const input = { Bucket: c.bucket, Key: c.key, ...(c.extra || {}) };
  const url = await getSignedUrl(client, new c.cmd(input), {
    expiresIn: c.expires, signingDate: new Date(c.date),
  });
  const u = new URL(url);
  // the parameters sc_sigv4_presign does not add by itself (X-Amz-Content-Sha256, x-id,
  // response-*): the C test passes them as `extra`, raw
  const own = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
    "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature"];
  const extra = [...u.searchParams].filter(([k]) => !own.includes(k))
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&") || "-";
  const method = { PutObjectCommand: "PUT", GetObjectCommand: "GET", HeadObjectCommand: "HEAD" }[c.cmd.name];
  const path = decodeURIComponent(u.pathname);
  sigv4Lines.push([c.name, method, u.protocol.replace(":", ""), u.host, path, c.expires,
    Date.parse(c.date) / 1000, c.region, c.ak, c.sk, c.token || "-", extra, url].join("\t"));
}
writeFileSync(join(fixtures, "sigv4-sdk.txt"), sigv4Lines.map((l) => l + "\n").join(""));

// ---- lib/sc_s3.c: its PUT binds content-length and content-type, its GET carries
// response-content-disposition (file name as sc_s3_disposition writes it) and response-content-type
const s3Cases = [
  { name: "put-path-style-type-length", method: "PUT", endpoint: "http://127.0.0.1:9000",
    pathStyle: true, region: "us-east-1", bucket: "uploads",
    key: "0b6a2e3c-1f00-4000-8000-000000000001/7d3f1a52-9a0e-4b6e-8d1c-3c2b1a0f9e8d", size: 1234,
    type: "image/png", expires: 900, date: "2026-01-02T03:04:05Z", ak: "sc-access",
    sk: "sc-secret/with+chars" },
  // https and a bucket with a dot: the SDK (and sc_s3.c) fall back to path-style, since the
  // store's wildcard certificate covers one label only
  { name: "put-virtual-host-dotted-bucket", method: "PUT", endpoint: "https://s3.eu-central-1.amazonaws.com",
    pathStyle: false, region: "eu-central-1", bucket: "sc-files.example", key: "u/f", size: 52428800,
    type: "application/pdf", expires: 86400, date: "2026-11-28T16:40:13Z", ak: "AKIAIOSFODNN7EXAMPLE",
    sk: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  { name: "put-base-path-no-type", method: "PUT", endpoint: "https://Store.Example.org:8443/s3/v1",
    pathStyle: true, region: "auto", bucket: "b", key: "u/f", size: 1, expires: 60,
    date: "2026-06-30T23:59:59Z", ak: "k", sk: "s" },
  { name: "get-disposition-utf8", method: "GET", endpoint: "http://127.0.0.1:9000", pathStyle: true,
    region: "us-east-1", bucket: "uploads", key: "u/f", fileName: "Überweisung \"März\" 100%.pdf",
    disposition: "attachment; filename=\"_berweisung _M_rz_ 100_.pdf\"; " +
      "filename*=UTF-8''%C3%9Cberweisung%20%22M%C3%A4rz%22%20100%25.pdf",
    type: "application/pdf", expires: 3600, date: "2026-01-02T03:04:05Z", ak: "sc-access",
    sk: "sc-secret/with+chars" },
  { name: "put-virtual-host", method: "PUT", endpoint: "https://s3.eu-central-1.amazonaws.com",
    pathStyle: false, region: "eu-central-1", bucket: "sc-files", key: "u/f", size: 0,
    type: "text/plain", expires: 900, date: "2026-11-28T16:40:13Z", ak: "AKIAIOSFODNN7EXAMPLE",
    sk: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  { name: "get-virtual-host-ascii", method: "GET", endpoint: "https://s3.us-west-2.amazonaws.com",
    pathStyle: false, region: "us-west-2", bucket: "my-bucket", key: "a/b", fileName: "report (1).pdf",
    disposition: 'attachment; filename="report (1).pdf"', type: "text/plain", expires: 604800,
    date: "2026-11-28T16:40:13Z", ak: "AKIAIOSFODNN7EXAMPLE", sk: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
];

const s3Lines = [];
for (const c of s3Cases) {
  const client = new S3Client({
    region: c.region, endpoint: c.endpoint, forcePathStyle: c.pathStyle,
    credentials: { accessKeyId: c.ak, secretAccessKey: c.sk },
    requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED",
  });
  const input = { Bucket: c.bucket, Key: c.key };
  let cmd;
  if (c.method === "PUT") {
    cmd = new PutObjectCommand({ ...input, ContentLength: c.size, ...(c.type ? { ContentType: c.type } : {}) });
  } else {
    cmd = new GetObjectCommand({ ...input, ResponseContentDisposition: c.disposition,
      ...(c.type ? { ResponseContentType: c.type } : {}) });
  }
  // the x-id marker is added while serializing; this runs after it, before the presigner
  cmd.middlewareStack.add((next) => async (args) => {
    delete args.request.query["x-id"];
    return next(args);
  }, { step: "build", name: "dropXId" });
  const url = await getSignedUrl(client, cmd, {
    expiresIn: c.expires, signingDate: new Date(c.date),
    signableHeaders: new Set(c.type ? ["content-type"] : []),
    unhoistableHeaders: new Set(["x-amz-content-sha256"]),
    unsignableHeaders: new Set(["x-amz-content-sha256"]),
  });
  s3Lines.push([c.name, c.method, c.endpoint, c.pathStyle ? 1 : 0, c.region, c.bucket, c.key, c.expires,
    Date.parse(c.date) / 1000, c.ak, c.sk, c.method === "PUT" ? c.size : "-",
    c.fileName || "-", c.type || "-", url].join("\t"));
}
writeFileSync(join(fixtures, "s3-sdk.txt"), s3Lines.map((l) => l + "\n").join(""));
console.log(`gen-fixtures: ${sigv4Lines.length} lines in sigv4-sdk.txt, ${s3Lines.length} in s3-sdk.txt`);
