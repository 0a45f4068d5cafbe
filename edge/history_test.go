package edge

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestOverlappingIncrementsThatBothReturnOneAreALostUpdate(t *testing.T) {
	ops := []Op{
		{Client: 1, Kind: OpIncr, Key: "n", Value: 1, Call: ms(0), Return: ms(10), Label: "req 1"},
		{Client: 2, Kind: OpIncr, Key: "n", Value: 1, Call: ms(2), Return: ms(12), Label: "req 2"},
	}
	v := CheckCounter(ops)
	if v.Linearizable {
		t.Fatal("lost update judged linearizable")
	}
	if len(v.Witness) != 2 || v.Witness[0].Client != 1 || v.Witness[1].Client != 2 {
		t.Errorf("witness = %v, want both increments", v.Witness)
	}
	if !strings.Contains(v.Explanation, "lost") {
		t.Errorf("explanation %q", v.Explanation)
	}
}

func TestSerializedIncrementsAreLinearizable(t *testing.T) {
	var ops []Op
	for i := range 20 {
		ops = append(ops, Op{Client: i, Kind: OpIncr, Key: "n", Value: int64(i + 1), Call: ms(10 * i), Return: ms(10*i + 5)})
	}
	if v := CheckCounter(ops); !v.Linearizable {
		t.Fatalf("serialized increments rejected: %s", v.Explanation)
	}
}

func TestAStaleReadAfterACompletedPutFailsTheRegisterModel(t *testing.T) {
	ops := []Op{
		{Client: 1, Kind: OpPut, Key: "k", Value: 1, Found: true, Call: ms(0), Return: ms(5), Label: "put at LHR"},
		{Client: 2, Kind: OpPut, Key: "k", Value: 2, Found: true, Call: ms(100), Return: ms(110), Label: "put at LHR"},
		{Client: 3, Kind: OpGet, Key: "k", Value: 1, Found: true, Call: ms(500), Return: ms(501), Label: "get at SYD"},
	}
	v := CheckRegister(ops)
	if v.Linearizable {
		t.Fatal("stale read judged linearizable")
	}
	if len(v.Witness) != 3 || v.Witness[1].Value != 2 || v.Witness[2].Kind != OpGet {
		t.Errorf("witness = %v, want the old put, the newer put and the stale get", v.Witness)
	}
}

func TestAGetConcurrentWithAPutMaySeeEitherValue(t *testing.T) {
	for _, seen := range []int64{1, 2} {
		ops := []Op{
			{Client: 1, Kind: OpPut, Key: "k", Value: 1, Found: true, Call: ms(0), Return: ms(5)},
			{Client: 2, Kind: OpPut, Key: "k", Value: 2, Found: true, Call: ms(10), Return: ms(30)},
			{Client: 3, Kind: OpGet, Key: "k", Value: seen, Found: true, Call: ms(15), Return: ms(20)},
		}
		if v := CheckRegister(ops); !v.Linearizable {
			t.Errorf("get returning v%d during the put rejected: %s", seen, v.Explanation)
		}
	}
}

func TestNotFoundBeforeTheFirstPutIsLinearizable(t *testing.T) {
	ops := []Op{
		{Client: 1, Kind: OpGet, Key: "k", Found: false, Call: ms(0), Return: ms(1)},
		{Client: 2, Kind: OpPut, Key: "k", Value: 1, Found: true, Call: ms(5), Return: ms(6)},
		{Client: 1, Kind: OpGet, Key: "k", Value: 1, Found: true, Call: ms(7), Return: ms(8)},
	}
	if v := CheckRegister(ops); !v.Linearizable {
		t.Fatalf("rejected: %s", v.Explanation)
	}
}

func TestCheckingTwiceGivesTheSameVerdict(t *testing.T) {
	ops := []Op{
		{Client: 1, Kind: OpIncr, Key: "n", Value: 1, Call: ms(0), Return: ms(10)},
		{Client: 2, Kind: OpIncr, Key: "n", Value: 1, Call: ms(2), Return: ms(12)},
		{Client: 3, Kind: OpIncr, Key: "m", Value: 1, Call: ms(2), Return: ms(12)},
	}
	if a, b := CheckCounter(ops), CheckCounter(ops); !reflect.DeepEqual(a, b) {
		t.Fatalf("verdicts differ: %+v vs %+v", a, b)
	}
}

func BenchmarkCheckRegister(b *testing.B) {
	var ops []Op
	for i := range 2000 {
		k := string(rune('a' + i%20))
		v := int64(i / 20)
		if i%5 == 0 {
			ops = append(ops, Op{Client: i, Kind: OpPut, Key: k, Value: v + 1, Found: true, Call: ms(10 * i), Return: ms(10*i + 3)})
		} else {
			ops = append(ops, Op{Client: i, Kind: OpGet, Key: k, Value: 0, Found: false, Call: ms(10 * i), Return: ms(10*i + 3)})
		}
	}
	for b.Loop() {
		CheckRegister(ops)
	}
}
