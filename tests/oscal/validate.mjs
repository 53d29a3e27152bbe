// validate.mjs — validates OSCAL JSON documents against NIST's OSCAL 1.0.6
// JSON Schemas (/work/shared/reference/oscal/schema, or $OSCAL_SCHEMA_DIR).
// The schemas declare draft-07 ("$schema": "http://json-schema.org/draft-07/schema#"),
// so the default Ajv class (draft-07) is the matching one; ajv-formats adds
// the formats they use (uri-reference, date-time, ...).
//
//   node validate.mjs KIND FILE...   KIND: catalog ssp component-definition
//                                    assessment-results poam
// Prints "valid KIND FILE" per file or the errors; exits 1 on any invalid.
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.OSCAL_SCHEMA_DIR || "/work/shared/reference/oscal/schema";
const files = {
  catalog: "oscal_catalog_schema.json",
  ssp: "oscal_ssp_schema.json",
  "component-definition": "oscal_component_schema.json",
  "assessment-results": "oscal_assessment-results_schema.json",
  poam: "oscal_poam_schema.json",
};
const [kind, ...docs] = process.argv.slice(2);
if (!files[kind] || docs.length === 0) {
  console.error("usage: node validate.mjs KIND FILE...");
  process.exit(2);
}
const schema = JSON.parse(readFileSync(join(dir, files[kind]), "utf8"));
if (schema.$schema !== "http://json-schema.org/draft-07/schema#") {
  console.error(`unexpected schema draft ${schema.$schema}: use the matching Ajv class`);
  process.exit(2);
}
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
let bad = 0;
for (const f of docs) {
  const doc = JSON.parse(readFileSync(f, "utf8"));
  if (validate(doc)) {
    console.log(`valid ${kind} ${f}`);
  } else {
    bad++;
    console.log(`INVALID ${kind} ${f}`);
    for (const e of validate.errors.slice(0, 20)) {
      console.log(`  ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
}
process.exit(bad ? 1 : 0);
