package content

// Limits on what kvdo reads, documented in the README. Each is far above
// what a real review or content pack needs (the embedded pack and the
// example review use a small fraction of each) and low enough that the
// largest input allowed is evaluated, rendered and simulated in well under
// two seconds and 200 MB. Input past a limit is refused before any work
// starts, with exit code 2 and a message naming the limit.
const (
	// MaxFileBytes is the largest answers file or content pack file.
	MaxFileBytes = 1 << 20 // 1 MiB

	// MaxItems is the most items (pieces of state) one review may hold.
	MaxItems = 200
	// MaxNameChars is the longest item name, title or decided_by name.
	MaxNameChars = 200
	// MaxDecidedBy is the most names decided_by may list.
	MaxDecidedBy = 50
	// MaxNotesChars is the longest note of an item.
	MaxNotesChars = 20_000

	// MaxPackText is the longest string in a content pack, in bytes (a
	// code sketch is the longest, a few kB).
	MaxPackText = 64 << 10
	// MaxPoPs is the most PoPs a topology may list: the simulator's delay
	// table grows with its square. Cloudflare runs about 330 locations.
	MaxPoPs = 500
	// MaxRTTPairs is the most measured round trips a topology may list.
	MaxRTTPairs = 5_000
	// MaxQuestions is the most questions a pack may ask.
	MaxQuestions = 200
	// MaxRules is the most rules, layers and warnings a pack may hold
	// together.
	MaxRules = 1_000
	// MaxComparisons is the most comparisons all conditions of a pack may
	// hold together: evaluation and the search for flips go over each.
	MaxComparisons = 2_000
	// MaxListItems is the most entries any other list of a pack may hold
	// (facts, terms, price items, captions of a demo, strengths...).
	MaxListItems = 1_000
	// MaxScore bounds a rule's score effect either way, so sums of
	// scores stay exact.
	MaxScore = 1_000
	// MaxFigure bounds every number in a pack and every answer either way
	// (1e15): products of answers and prices stay finite and print
	// without an exponent.
	MaxFigure = 1e15
)
