// gen-fixtures.mjs: presigned URLs from the AWS SDK for JavaScript v3 (@aws-sdk/s3-request-presigner,
// versions pinned in package.json) for fixed inputs, written as tests/unit/fixtures/sigv4-sdk.txt.
// test_sigv4.c recomputes each URL with lib/sc_sigv4.c and must get the same string, byte for byte.
// Run: cd tests/s3 && npm ci && node gen-fixtures.mjs > ../unit/fixtures/sigv4-sdk.txt
//
// Line format (tab-separated): name method scheme host path expires unix-time region access-key
// secret-key session-token(or -) extra-query(name=value&..., raw values percent-encoded, or -) url
// The SDK puts X-Amz-Signature among the sorted parameters, AWS's documentation puts it last (as
// libsc does): the test compares the signature byte for byte and the parameters as a set.
import { S3Client, GetObjectCommand, PutObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

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
  console.log([c.name, method, u.protocol.replace(":", ""), u.host, path, c.expires,
    Date.parse(c.date) / 1000, c.region, c.ak, c.sk, c.token || "-", extra, url].join("\t"));
}
