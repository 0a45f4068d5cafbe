package edge

// DOConfig holds the Durable Object model's parameters (being built).
type DOConfig struct{}

func (c DOConfig) withDefaults() DOConfig { return c }

// DONamespace is a Durable Object namespace (being built).
type DONamespace struct{}
