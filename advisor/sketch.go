package advisor

import (
	"fmt"
	"strings"

	"github.com/kvdo/kvdo/content"
)

// Kinds of state a sketch can be fitted to (the kind question's choices).
const (
	KindCounter    = "counter"
	KindRateLimit  = "rate_limit"
	KindSession    = "session"
	KindUserRecord = "user_record"
	KindConfig     = "config"
	KindRoom       = "room"
	KindBlob       = "blob"
	KindOther      = "other"
)

// kindOf is the kind answer, or one inferred from the other answers when
// it is missing: sockets make a room, values past an object's entry a
// blob, read-modify-write a counter, the key a session, per-user record
// or rate limit (per IP), and one shared value configuration.
func kindOf(a Answers) (kind string, inferred bool) {
	if k, ok := a[qKind].(string); ok {
		return k, false
	}
	key, _ := a[qKeyedBy].(string)
	b, _ := a[qValueBytes].(float64)
	switch {
	case a[qWebSocket] == true:
		return KindRoom, true
	case b > 2e6:
		return KindBlob, true
	case key == "ip":
		return KindRateLimit, true
	case a[qAtomic] == true:
		return KindCounter, true
	case key == "session":
		return KindSession, true
	case key == "user" || key == "tenant":
		return KindUserRecord, true
	case entities(a) > 1:
		return KindOther, true
	}
	return KindConfig, true
}

// keyNames gives what one key is named after, by keyed_by answer or by
// kind when unanswered, and the function a sketch calls to find it.
func keyNames(a Answers, kind string) (key, fn string) {
	key, _ = a[qKeyedBy].(string)
	if key == "" {
		key = map[string]string{
			KindRateLimit: "client", KindSession: "session", KindUserRecord: "user",
			KindCounter: "counter", KindRoom: "room", KindBlob: "blob", KindConfig: "config",
		}[kind]
		if key == "" {
			key = "key"
		}
	}
	fn = map[string]string{
		"user": "userId", "session": "sessionId", "tenant": "tenantId", "room": "roomName",
		"ip": "clientIp", "item": "itemId", "client": "clientId",
	}[key]
	if fn == "" {
		fn = "keyOf"
	}
	return key, fn
}

var classOf = map[string]string{
	KindCounter: "Counter", KindRateLimit: "Limiter", KindSession: "Session", KindUserRecord: "UserRecord",
	KindConfig: "Store", KindRoom: "Room", KindBlob: "Store", KindOther: "Entity",
}

// sketch renders the option's code fitted to the kind of state and the
// layer ("" for none). A least-bad primary gets none: code for a design
// the answers rule out would teach the wrong thing, and its TTLs could not
// honour the tolerance.
func sketch(pack *content.Pack, opt *content.Option, a Answers, kind, layerKind string, viable bool) Sketch {
	if !viable {
		return Sketch{Language: "typescript", Note: "No sketch: every option is ruled out by some answer, so any code would build on a broken premise. Revisit the answers first."}
	}
	code := opt.Sketch
	fresh := r2Direct(pack, a)
	for _, v := range opt.Sketches {
		if v.Layer != layerKind || (len(v.Kinds) > 0 && !contains(v.Kinds, kind)) || (v.Fresh && !fresh) {
			continue
		}
		code = v.Code
		break
	}
	if layerKind != "" && code == opt.Sketch {
		return Sketch{Language: "typescript"}
	}
	key, fn := keyNames(a, kind)
	vars := content.SketchVars{
		CacheTTL: int(kvCacheTTL(pack, a)),
		Key:      key, KeyFunc: fn, Class: classOf[kind],
	}
	if vars.Class == "" {
		vars.Class = "Entity"
	}
	if layerKind != "" {
		vars.MaxAge = int(layerMaxAge(pack, a, string(opt.ID)))
	} else if opt.ID == string(CacheAPI) {
		vars.MaxAge = int(layerMaxAge(pack, a, string(CacheAPI)))
	}
	t, err := content.ParseSketch(code)
	if err != nil {
		// The loader parsed every sketch; this cannot happen with a
		// loaded pack.
		return Sketch{Language: "typescript", Note: "sketch template: " + err.Error()}
	}
	var b strings.Builder
	if err := t.Execute(&b, vars); err != nil {
		return Sketch{Language: "typescript", Note: "sketch template: " + err.Error()}
	}
	return Sketch{Language: "typescript", Code: b.String()}
}

// design says in a sentence what is recommended: the store, how the state
// is split over it, and its front layer.
func design(pack *content.Pack, a Answers, option string, l *Layer) string {
	e := entities(a)
	kind, _ := kindOf(a)
	key, _ := keyNames(a, kind)
	per := ""
	if e > 1 {
		per = fmt.Sprintf(" per %s (%s in all)", key, content.FormatFigure(e))
	}
	local := a[qEntityLocal] == true
	ttl := content.FormatFigure(kvCacheTTL(pack, a))
	var s string
	switch OptionID(option) {
	case KV:
		s = "One KV key" + per + ", read with a cacheTtl of " + ttl + " s."
	case DurableObject:
		s = "One Durable Object" + per
		if e > 1 && local {
			s += ", each created near its first caller, where its traffic comes from"
		}
		if a[qWebSocket] == true {
			s += ", holding its clients' WebSockets and hibernating between messages"
		}
		s += "."
	case DOPlusKV:
		s = "One Durable Object" + per + " takes every write and publishes the latest value to KV at most once a second; readers read KV with a cacheTtl of " + ttl + " s."
	case CacheAPI:
		s = "The origin keeps the data; each location caches its responses for " + content.FormatFigure(layerMaxAge(pack, a, option)) + " s (fetch with cf.cacheTtl), and a change at the origin purges the URL everywhere through the zone purge API."
	case R2PlusKV:
		if r2Direct(pack, a) {
			s = "Blobs in R2, read by key straight from R2 (strongly consistent); no KV pointer in the read path."
		} else {
			s = "Blobs in R2 under versioned keys, and a KV pointer" + per + " naming the current version (cacheTtl " + ttl + " s)."
		}
	}
	if l != nil {
		s += fmt.Sprintf(" Reads go through the %s at each location with max-age %s s", pack.Option(l.Kind).Title, content.FormatFigure(l.MaxAgeS))
		if option != string(KV) {
			s += "; a write purges the URL everywhere through the zone purge API"
		}
		s += "."
	}
	return s
}
