#!/usr/bin/env bash
# Creates the project's update-signing PKI in DIR:
#   ca.key.pem / ca.cert.pem            root CA: ca.cert.pem goes into the image as /etc/rauc/ca.cert.pem
#   signing.key.pem / signing.cert.pem  the key bundles are signed with (extendedKeyUsage codeSigning)
# MYNAGUARD_CA_KEY_BITS (default 3072), MYNAGUARD_CA_DAYS (default 3650).
# Keep ca.key.pem offline; a leaked signing key is replaced by issuing a new one and `rauc resign`.
#   image-build/rauc/make-ca.sh DIR [ORGANISATION]
set -euo pipefail
dir=${1:?usage: make-ca.sh DIR [ORGANISATION]}
org=${2:-mynaguard}
days=${MYNAGUARD_CA_DAYS:-3650}
bits=${MYNAGUARD_CA_KEY_BITS:-3072}
mkdir -p "$dir"
cd "$dir"
umask 077
[[ -e ca.key.pem ]] && { echo "make-ca: $dir/ca.key.pem exists; refusing to overwrite" >&2; exit 1; }

cat > ca.ext <<CONF
[signing]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CONF

openssl req -x509 -new -newkey rsa:"$bits" -nodes -sha256 -days "$days" \
  -subj "/O=$org/CN=$org update CA" -keyout ca.key.pem -out ca.cert.pem \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey rsa:"$bits" -nodes -sha256 -subj "/O=$org/CN=$org bundle signing" \
  -keyout signing.key.pem -out signing.csr.pem 2>/dev/null
openssl x509 -req -in signing.csr.pem -CA ca.cert.pem -CAkey ca.key.pem -CAcreateserial -sha256 \
  -days "$days" -extfile ca.ext -extensions signing -out signing.cert.pem 2>/dev/null
rm -f signing.csr.pem ca.cert.srl ca.ext
chmod 0644 ca.cert.pem signing.cert.pem
echo "make-ca: CA and signing certificate in $dir"
