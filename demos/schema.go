package demos

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of Result.JSON, embedded so
// that tools can validate a demo's JSON without the repository.
//
//go:embed schema/result.v1.schema.json
var Schema []byte
