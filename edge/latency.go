package edge

import (
	"math"
	"time"
)

// The latency model: a message between two places takes a fixed floor
// (switching, queueing: minOneWay) plus the great-circle distance times a
// route factor, over the speed of light in fibre. Real routes detour by
// very different amounts (Europe to Japan goes a long way round; London to
// Ashburn is nearly straight), so when the topology carries measured round
// trips the route factor is fitted per pair of continents, by least
// squares on those measurements; pairs of continents without a
// measurement use the factor fitted on all of them. With no measurement
// at all, the topology's single RouteFactor applies.

// Place is a point the latency model knows: a PoP or a measured city.
type Place struct {
	Name   string
	Region string // a location-hint region: wnam, enam, sam, weur, eeur, apac, oc, afr, me
	Lat    float64
	Lon    float64
}

// RTTSample is one measured round trip between two places.
type RTTSample struct {
	A, B Place
	RTT  time.Duration
}

// place is a PoP as the latency model sees it.
func (p PoP) place() Place { return Place{Name: p.Code, Region: p.Region, Lat: p.Lat, Lon: p.Lon} }

// continent groups regions by the routes between them. Asia-Pacific
// splits at 95°E: the Indian subcontinent reaches Europe through the Red
// Sea, East Asia the long way round.
func continent(p Place) string {
	switch p.Region {
	case "wnam", "enam":
		return "na"
	case "sam":
		return "sa"
	case "weur", "eeur":
		return "eu"
	case "apac":
		if p.Lon < 95 {
			return "as-s"
		}
		return "as-e"
	}
	return p.Region // oc, afr, me
}

type continentPair [2]string

func pairOf(a, b Place) continentPair {
	x, y := continent(a), continent(b)
	if x > y {
		x, y = y, x
	}
	return continentPair{x, y}
}

// routeModel is the fitted model: a factor per continent pair, and the
// factor for pairs with no measurement.
type routeModel struct {
	speed    float64 // km per ms
	factor   map[continentPair]float64
	fallback float64
}

// fitRoutes fits route factors to the topology's measurements: for each
// continent pair, the factor f minimising the squared error of
// 2*minOneWay + 2*d*f/speed against the measured round trips.
func (t *Topology) fitRoutes() routeModel {
	m := routeModel{speed: t.FibreKmPerMs, factor: map[continentPair]float64{}, fallback: t.RouteFactor}
	if m.fallback <= 0 {
		m.fallback = 1
	}
	if len(t.RTTSamples) == 0 {
		return m
	}
	type sums struct{ num, den float64 }
	per := map[continentPair]*sums{}
	var all sums
	floor := float64(2*minOneWay) / float64(time.Millisecond)
	for _, s := range t.RTTSamples {
		x := 2 * greatCircle(s.A, s.B) / t.FibreKmPerMs
		y := float64(s.RTT)/float64(time.Millisecond) - floor
		k := pairOf(s.A, s.B)
		if per[k] == nil {
			per[k] = &sums{}
		}
		per[k].num += y * x
		per[k].den += x * x
		all.num += y * x
		all.den += x * x
	}
	for k, s := range per {
		if s.den > 0 {
			m.factor[k] = s.num / s.den
		}
	}
	if all.den > 0 {
		m.fallback = all.num / all.den
	}
	return m
}

// oneWay is the model's jitter-free one-way delay between two places.
func (m routeModel) oneWay(a, b Place) time.Duration {
	f, ok := m.factor[pairOf(a, b)]
	if !ok {
		f = m.fallback
	}
	ms := greatCircle(a, b) * f / m.speed
	return minOneWay + time.Duration(ms*float64(time.Millisecond))
}

// ModelRTT is the jitter-free round trip the topology's model gives
// between two places, measured or not: what the calibration tests hold
// against the measurements.
func (t *Topology) ModelRTT(a, b Place) time.Duration {
	return 2 * t.fitRoutes().oneWay(a, b)
}

// greatCircle is the haversine distance in km.
func greatCircle(a, b Place) float64 {
	const earthRadiusKm = 6371.0
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}
