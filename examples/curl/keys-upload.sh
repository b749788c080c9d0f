#!/bin/sh
# Generated from cgi-bin/routes by make (scripts/gen-docs.sh); do not edit.
# Program: keys/upload. Run against `make run`: SC_BASE=http://127.0.0.1:8080 (default).
# Needs an access token: export SC_TOKEN=<access token from the login endpoint>.
set -eu

# POST /v1/keys/upload: Publish identity key, signed prekey, one-time and Kyber prekeys (signatures verified)
curl -sS -X POST \
  -H "Authorization: Bearer $SC_TOKEN" \
  -H "Content-Type: application/json" --data-binary @- \
  "${SC_BASE:-http://127.0.0.1:8080}/v1/keys/upload" <<'JSON'
{
  "identity_key": "BQ83AnmKhuE4bESyzl2MiICn/BveTvUF2Wz+/8jr9RQ9",
  "signed_pre_key": {
    "key_id": 1,
    "public_key": "BQKqsW+83+UUhSIqmFleCRCn3ibK/+a3AA2Z1qd1gX1F",
    "signature": "/c8ZFdwaJuyO5SD7TFpOLl5STZWSDkOXGHKOjFPFuL/y47ZNZR5AI3RWZkmW0CbGSa1EVcLoiz5FmRU6/Pr3BQ=="
  },
  "one_time_pre_keys": [
    {
      "key_id": 1,
      "public_key": "BY1IDroFdELQPXO2AdknpLDz63mPkNkQa/OFSL3BU8B+"
    },
    {
      "key_id": 2,
      "public_key": "Bb9ReEo7+LqLOX6UmliUN34iUQAfM/85fpF5pkAURIIJ"
    }
  ],
  "kyber_pre_key": {
    "key_id": 1,
    "public_key": "CItxe7t7JUQLBJNBFgNEApWXbgMqOnKiYU6jdTLYZ8uGis7ywAkhjeszVq/jUI+rc02VDG3aaxjzCB14tPcyKNRgZxHoSqziUjTWfCBjlK0AJ4kJvBWmZCtyjqxHJJzLj+U4Y/VEUYT8rADWDgumO9AIfEoEpNP2EM0xvLfUXaI7DqxFmfBFgZzFm4JmS2uTR6aXBHP8OJr7lXZZEx/rCxToAjlbPrc2fSsIPAPHdZzzxrNGEDe8S2yVNGYLjtC2Z43Tp/LXwAnxRlYmUMj4V7DxpbDaKCf4ofBIxlvZdusgbRm8n91hTzQJlJuwr2SYyq3qXyBzpBKpbBUAi8qpVMsiWE9URdJ4rmxUGe6pBjEZNDV4u5imCXDCctw7RXWYU3iStY9Mch6cTb73N2dcFKa8c34cZwIaDRUsG6PovHeYLWfHO/qsjzlhbMNChs7cLRCCVmqymG/pwaXFqFnxPdHBxB9MFczafAe2mocVi3xUEmXqLWTcqGlDNeQzmo0jXciyMuz7RD6AdES3yanDNC0zdpRBCfWrdHGCH+XrdzR2LTd6D83iIIwllS9iogsVgS2cpIvwsC85qpnLdg/0gCBhG0noyeGzA/88jmjCvODSJZdYMFepVrcVImsgla8bvuKmfNIGMwJkexWXcq8Vwnnkf/knLoBzQY6yZHUiylQwZe5xK0MGcBBaB6OCrifote2bsOejRd97hOZqwRx3A1QHvRDCF9qkvosDWUvJI+3DWa30VmDRdpkIIgTYWrUSe1CCbknByLoTyM1oX1nalsXwu2n1il+5ya4idRrIMNTHeO2WfI+FtThpbuHwyhPJvuiMjK9UbUAyJYxwQ+ATTajBFQfmgBLHesM8beWxPDVrsD44viaMeUbZxNLla6Kziz+lYuC4oEeGQl/0kZJRMlKqIRZjZGr5w+WicD4DSq2DRuySfgLmZ7QClN1hHMZkMaExKaTYIviwh6MHahELsz1lSVvpRkp0bH6THA30HnrWqXkgo6SqYb41RwGjENq7k5F5f9g3xlQ3A6pbdeIox17zdtrqXl6lIElgtl7cEjPVhNHIIJbFvZHGHe6LHuj4ry+wcViwnVQzJmrMzN2rcODsY/xXYmWSXRd3YQfaIKdqN2JJZ62qN+Nbxmd2mG05AQEihwexk+J2HLFrOeaHNc21ZbWQDw8BJXzWMCF2eUcUqqWYbsu1CcY7JtqjPOejZIQoti7FKW+5gzgadBUAVuGKYa8FJLKmALsprbCELyazNHk0durkv3HMow1DPdBaMncqSCP4T8ZDLZNHGlq3wGOLMDRoGjmMbwYyWv57BWXkgRYITcXpiaIhuVM5RADANk8WA60sT8QKXC2ZtOK7aDI6uvcluBvBtOlRGkbhh0h5o6FgSDijnELxXPgJjmW5sz3QbRPKCJJovVS2oV/ZdEPrguyZt3S6yqIyn2aYr9YJHt26AkVnbqxGTstTkVilHDQKd2eFMrm2OLbgfiDwfvGKVhDFjB8acpwjy3hcYkShIDiZNdkHp6IyZZtUFgFSzQIDxjXKUdW0lmJ2H1RiY6kqzr8RKllyEA1gsjSCXx10QIzgYP9Zh1zgfU0VmpR8P006rtukFx1ME1UGabDpfFPhCqC0gK54ZT3UwBnoG5xYB6b6Akbgb4lkai5cFSzkCGqBH9FFTdaRg7TTH6qXbRA1P+rAmZYnXHVGBimcpVUJng8pGAs8ZaUhDs7rJJvAeDTEBTt2KWlgZNyCmOAQQ1tgcXMUb8UTExqph5TcVZe5IuGVFOfMTCJ6FLLqza6zRtG1JrRwOdpqYFrnW36EfjWjTEZkwfOzzfZbDVZIcJE0iiXWiZhBKlGwZuNsMXBHZDngFNm8A4tGQHpLLrorKpgjE2AszoDCvubyq+4sD2XXb0rVNqC2f0C0pltwoE1QOr/bsw/DXKboZSYoY7J3GTRAu/njc3MjC92kAYfZCuohgJjzQ17MzvzZRI90wGmJKUCmTcH0SPnxy6GBNEfCSI2gE3g7w5HnRi4UdYT4UUZlD6WrmzgRc8JmlbSbeHD6piXv8hmrmLRzgmqIkIhNZsSFMS3q4K/K5hupFAe7jepS",
    "signature": "BzC7nfdkKvUYq2KS/Q97fn8YFANUiye1W2qxWReXDcdaUc5P4f2tArhbeYL/HvWC8VQXjprKLV4/aNYtDrA8Dg=="
  }
}
JSON
echo
