package tfwire

import (
	"container/list"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Bounds of the process's cache of parsed type descriptions. The descriptions of one
// configuration are few (the dynamic attribute's value in the configuration, plan and
// state) but can be large: 2.4 MB at 10,000 entries. A description larger than
// maxCachedBytes is parsed each time.
const (
	maxCachedTypes = 256
	maxCachedBytes = 32 << 20 // bytes of JSON held
)

// types is the process's cache.
var types = newTypeCache(maxCachedTypes, maxCachedBytes)

// typeCache holds parsed type descriptions by their JSON, the least recently used
// dropped first. It is safe for concurrent use.
type typeCache struct {
	maxEntries, maxBytes int

	mu     sync.Mutex
	byJSON map[string]*list.Element // values *cachedType
	order  list.List                // most recently used first
	bytes  int
}

type cachedType struct {
	json string
	typ  tftypes.Type
}

func newTypeCache(maxEntries, maxBytes int) *typeCache {
	return &typeCache{maxEntries: maxEntries, maxBytes: maxBytes, byJSON: map[string]*list.Element{}}
}

// parse is tftypes.ParseJSONType(desc) (parseType), parsed once while cached. Errors are
// not cached.
func (c *typeCache) parse(desc []byte) (tftypes.Type, error) {
	if typ, ok := c.get(desc); ok {
		return typ, nil
	}
	// Parsed outside the lock: goroutines that parse the same description at once
	// get equal types, and the first one in is kept.
	typ, err := parseType(desc)
	if err != nil {
		return typ, err
	}
	c.put(desc, typ)
	return typ, nil
}

func (c *typeCache) get(desc []byte) (tftypes.Type, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byJSON[string(desc)]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	ct, _ := e.Value.(*cachedType)
	return ct.typ, true
}

func (c *typeCache) put(desc []byte, typ tftypes.Type) {
	if len(desc) > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byJSON[string(desc)]; ok {
		return
	}
	ct := &cachedType{json: string(desc), typ: typ}
	c.byJSON[ct.json] = c.order.PushFront(ct)
	c.bytes += len(ct.json)
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		oldest := c.order.Back()
		old, _ := oldest.Value.(*cachedType)
		c.order.Remove(oldest)
		delete(c.byJSON, old.json)
		c.bytes -= len(old.json)
	}
}

// len is the number of descriptions held, and their bytes.
func (c *typeCache) len() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.bytes
}
