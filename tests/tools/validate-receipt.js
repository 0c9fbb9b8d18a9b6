#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// validate-receipt.js - validate receipt JWTs against Digdir's official JSON schemas (draft-07).
//
//   node validate-receipt.js SCHEMA_DIR FILE.jwt...
//
// The receipt type is read from the payload's documentIdentification.type and selects
// dpi/innbyggerpost_dpi_<type>_1_0.schema.json. The $ref URLs under https://docs.digdir.no/
// resolve to the local copies (no network). Exit 0 when every file is valid, 1 otherwise.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [schemaDir, ...files] = process.argv.slice(2);
if (!schemaDir || files.length === 0) {
  console.error('usage: validate-receipt.js SCHEMA_DIR FILE.jwt...');
  process.exit(2);
}
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const rel of ['common/sbdh.schema.json', 'dpi/commons.schema.json']) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(schemaDir, rel), 'utf8')));
}
const validators = {};
let bad = 0;
for (const file of files) {
  const parts = fs.readFileSync(file, 'utf8').trim().split('.');
  if (parts.length !== 3) { console.error(`${file}: not a compact JWS`); bad++; continue; }
  const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  const type = payload.standardBusinessDocument.standardBusinessDocumentHeader
    .documentIdentification.type;
  const schemaFile = path.join(schemaDir, 'dpi', `innbyggerpost_dpi_${type}_1_0.schema.json`);
  if (!validators[type]) {
    validators[type] = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
  }
  const validate = validators[type];
  if (!validate(payload)) {
    console.error(`${file}: ${type}: ${ajv.errorsText(validate.errors)}`);
    bad++;
  } else {
    console.log(`${file}: ${type}: valid`);
  }
}
process.exit(bad ? 1 : 0);
