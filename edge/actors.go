package edge

// Actor is one participant of a run as a player draws it: a lane in a
// space-time diagram, a mark on a map.
type Actor struct {
	ID    string    `json:"id"` // what events name in Actor, From and To
	Kind  ActorKind `json:"kind"`
	Label string    `json:"label"` // "LHR", "central (LHR)", "object counter (IAD)"
	// PoP is the PoP the actor sits at: itself for a PoP, the host of a
	// store, an object or the origin ("" for a scenario speaker).
	PoP     string  `json:"pop,omitempty"`
	City    string  `json:"city,omitempty"`
	Country string  `json:"country,omitempty"`
	Region  string  `json:"region,omitempty"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
}

// Actors lists every actor that appears in the trace (as Actor, From or
// To): PoPs in topology order, then KV central stores, Durable Objects
// in creation order, the origin, and scenario speakers in order of first
// appearance.
func (w *World) Actors() []Actor {
	seen := map[string]bool{}
	var speakers []string
	note := func(id string) {
		if id == "" || seen[id] {
			return
		}
		seen[id] = true
		if w.actorKind(id) == ActorScenario {
			speakers = append(speakers, id)
		}
	}
	for i := range w.trace {
		e := &w.trace[i]
		note(e.Actor)
		note(e.From)
		note(e.To)
	}
	var out []Actor
	at := func(a Actor, p PoPID) Actor {
		pop := w.pops[p]
		a.PoP, a.City, a.Country, a.Region, a.Lat, a.Lon = pop.Code, pop.City, pop.Country, pop.Region, pop.Lat, pop.Lon
		return a
	}
	for i, p := range w.pops {
		if seen[p.Code] {
			out = append(out, at(Actor{ID: p.Code, Kind: ActorPoP, Label: p.Code}, PoPID(i)))
		}
	}
	for _, p := range w.cfg.Topology.CentralStores {
		if id := CentralActor(p); seen[id] {
			out = append(out, at(Actor{ID: id, Kind: ActorCentral, Label: "central (" + p + ")"}, w.popIdx[p]))
		}
	}
	if len(w.cfg.Topology.CentralStores) == 0 && seen[CentralActor(w.pops[0].Code)] {
		out = append(out, at(Actor{ID: CentralActor(w.pops[0].Code), Kind: ActorCentral, Label: "central (" + w.pops[0].Code + ")"}, 0))
	}
	for _, b := range w.doNames {
		for _, o := range w.do[b].order {
			if !seen[o.actor] || !o.placed {
				continue
			}
			name := o.id.name
			if name == "" {
				name = o.id.hex[:8]
			}
			out = append(out, at(Actor{ID: o.actor, Kind: ActorObject, Label: "object " + name + " (" + w.pops[o.pop].Code + ")"}, o.pop))
		}
	}
	if seen[originActor] && w.origin != nil {
		out = append(out, at(Actor{ID: originActor, Kind: ActorOrigin, Label: "origin (near " + w.pops[w.origin.at].Code + ")"}, w.origin.at))
	}
	for _, s := range speakers {
		out = append(out, Actor{ID: s, Kind: ActorScenario, Label: s})
	}
	return out
}
