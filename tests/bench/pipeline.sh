#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# pipeline.sh - the end-to-end benchmark's yardstick: what a print room could do with the
# standard tools alone, one letter at a time, over the same spool entries as trykk.
#
#   pipeline.sh INCOMING OUT PROVIDER_KEY PROVIDER_CERT CA_PEM COVER_PDF
#
# Per entry of INCOMING (a directory with dokumentpakke.cms): decrypt the CMS package with
# the provider's key (openssl cms), unpack the ASiC-E zip (unzip), verify its XAdES
# signature over the manifest, the documents and the signed properties against the senders'
# CA (xmlsec1, run in the package so the references resolve there), and assemble the same
# unpersonalised cover sheet and the letter's documents into OUT/<entry>.pdf (qpdf). It does
# less than trykk: no business message (JWS) check, no package digest, no policy checks, no
# ledger, receipts, planning, presort, marks or job ticket. Stops at the first failure.
set -eu
[ $# -eq 6 ] || { echo "usage: pipeline.sh INCOMING OUT KEY CERT CA COVER" >&2; exit 2; }
in=$1 out=$(realpath "$2") key=$3 cert=$4 ca=$(realpath "$5") cover=$6
work=$(mktemp -d "${TMPDIR:-/tmp}/pipeline-XXXXXX")
trap 'rm -rf "$work"' EXIT

for entry in "$in"/*; do
    name=$(basename "$entry")
    w=$work/$name
    mkdir "$w"
    openssl cms -decrypt -binary -inform DER -in "$entry/dokumentpakke.cms" \
        -inkey "$key" -recip "$cert" -out "$w/package.zip"
    unzip -q "$w/package.zip" -d "$w/package"
    (cd "$w/package" && xmlsec1 --verify --trusted-pem "$ca" \
        --id-attr:Id "http://uri.etsi.org/01903/v1.3.2#:SignedProperties" \
        META-INF/signatures.xml) >/dev/null 2>&1 || { echo "$name: signature" >&2; exit 1; }
    qpdf --empty --pages "$cover" "$w"/package/*.pdf -- "$out/$name.pdf"
    rm -rf "$w"
done
