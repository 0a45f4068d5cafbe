package demos

import (
	"bytes"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Every demo and variant's JSON matches the committed schema: a field
// added, renamed or retyped without the schema fails here.
func TestDemoJSONMatchesTheCommittedSchema(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("result.v1.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("result.v1.schema.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	eachVariant(t, func(t *testing.T, d Demo, variant string) {
		for seed := uint64(1); seed <= 3; seed++ {
			js, err := run(t, d.ID, variant, seed, nil).JSON()
			if err != nil {
				t.Fatal(err)
			}
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(v); err != nil {
				t.Fatalf("seed %d: output does not match the schema: %v", seed, err)
			}
		}
	})
}
