package demos

import (
	"reflect"
	"strings"
	"testing"
)

func counterWorkload(handler string) Workload {
	return Workload{
		Twin: "race_worker.js", KV: []string{"COUNTER"},
		Objects: []ObjectBinding{{Binding: "COUNTERS", Class: "StoredCounter"}},
		Steps: []Step{
			{Clients: []Client{{Calls: []Call{{Handler: handler, Path: "/increment"}}}, {Calls: []Call{{Handler: handler, Path: "/increment"}}}}},
			{WaitMs: 10, Clients: []Client{{Calls: []Call{{Handler: handler, Path: "/count"}}}}},
		},
	}
}

func TestRunLocalAnswersEveryCallInOrder(t *testing.T) {
	res, err := counterWorkload("forwardToCounter").RunLocal(testTopology(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range res.Answers {
		got = append(got, a.Body)
		if a.Status != 200 || a.EndMs < a.StartMs {
			t.Errorf("answer %+v", a)
		}
	}
	if want := []string{"1", "2", "2"}; !reflect.DeepEqual(got, want) && !reflect.DeepEqual(got, []string{"2", "1", "2"}) {
		t.Fatalf("answers %v, want two increments then the count 2", got)
	}
	again, _ := counterWorkload("forwardToCounter").RunLocal(testTopology(), nil)
	if !reflect.DeepEqual(res, again) {
		t.Fatal("two runs of one workload differ")
	}
}

func TestRunLocalRejectsWhatTheTwinLacks(t *testing.T) {
	cases := map[string]Workload{
		`no handler "nope"`:            counterWorkload("nope"),
		`no demo handler file has the`: {Twin: "nope.js"},
		`does not define`:              {Twin: "race_worker.js", Objects: []ObjectBinding{{Binding: "COUNTERS", Class: "Nope"}}},
	}
	for want, wl := range cases {
		if _, err := wl.RunLocal(testTopology(), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want an error saying %q", err, want)
		}
	}
}
