package i18n

import (
	"fmt"
	"slices"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// A list page fills "Select {{.Login}}" fifty times, and go-i18n runs a
// text/template for each. Every message only prints fields ({{.Name}},
// which TestMessagesOnlyPrintFields holds), so a message is rendered once
// per language and set of fields with a marker in place of each value, and
// later calls put the values in the markers' places.

const (
	markOpen  = '\x01'
	markClose = '\x02'
)

// filled is the message id with data, from its kept shape; ok is false
// when the message is missing, so that T answers as go-i18n would.
func (l *Localizer) filled(id string, data map[string]any) (string, bool) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	key := id + "\x00" + strings.Join(keys, "\x00")
	shape, ok := l.shape.Load(key)
	if !ok {
		marked := make(map[string]any, len(keys))
		for _, k := range keys {
			marked[k] = string(markOpen) + k + string(markClose)
		}
		s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: marked})
		if err != nil {
			return "", false
		}
		shape, _ = l.shape.LoadOrStore(key, s)
	}
	return fill(shape.(string), data), true
}

// fill puts data's values in the places of their markers, printed as
// text/template prints them.
func fill(shape string, data map[string]any) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(shape, markOpen)
		if i < 0 {
			b.WriteString(shape)
			return b.String()
		}
		j := strings.IndexByte(shape[i:], markClose)
		if j < 0 {
			b.WriteString(shape)
			return b.String()
		}
		b.WriteString(shape[:i])
		fmt.Fprint(&b, data[shape[i+1:i+j]])
		shape = shape[i+j+1:]
	}
}
