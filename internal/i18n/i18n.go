// Package i18n speaks the panel's languages: it holds the message files
// (locales/*.toml, English and French), picks a language for a request
// (the user's own `language` first, then the browser's Accept-Language)
// and formats dates and relative times in it.
//
// Templates and handlers look messages up by ID through the Localizer that
// the panel's middleware puts in the request's context: T(ctx, "id").
// A test fails when an ID used in the code is missing from a file, or when
// the files do not hold the same IDs.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"path"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var files embed.FS

// Supported are the panel's languages, the default first.
var Supported = []language.Tag{language.English, language.French}

var matcher = language.NewMatcher(Supported)

var (
	bundleOnce sync.Once
	bundle     *goi18n.Bundle
	loadErr    error
)

// load parses the embedded message files once.
func load() (*goi18n.Bundle, error) {
	bundleOnce.Do(func() {
		b := goi18n.NewBundle(language.English)
		b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
		entries, err := files.ReadDir("locales")
		if err != nil {
			loadErr = err
			return
		}
		for _, e := range entries {
			if _, err := b.LoadMessageFileFS(files, path.Join("locales", e.Name())); err != nil {
				loadErr = fmt.Errorf("i18n: %s: %w", e.Name(), err)
				return
			}
		}
		bundle = b
	})
	return bundle, loadErr
}

// Check loads the message files, so that a damaged file stops the server
// at start rather than at the first page.
func Check() error {
	_, err := load()
	return err
}

// Localizer answers messages in one language. There is one per language,
// shared by every request: a page asks for a few hundred messages, and
// go-i18n matches the language again on each of them.
type Localizer struct {
	tag   language.Tag
	loc   *goi18n.Localizer
	plain sync.Map // id → its text when asked without data: always the same
	shape sync.Map // id and data keys → its text with a marker per field
}

// localizers are the Localizers made so far, by tag.
var localizers sync.Map

// Pick chooses the language for a request: the user's own setting when the
// panel speaks it, then the Accept-Language header, then English.
func Pick(userLanguage, acceptLanguage string) *Localizer {
	prefs := []string{}
	if userLanguage != "" {
		prefs = append(prefs, userLanguage)
	}
	prefs = append(prefs, acceptLanguage)
	return For(match(prefs))
}

// For is the localizer of one supported language.
func For(tag language.Tag) *Localizer {
	b, err := load()
	if err != nil {
		panic(err) // Check runs at start; the files are embedded
	}
	if l, ok := localizers.Load(tag); ok {
		return l.(*Localizer)
	}
	l, _ := localizers.LoadOrStore(tag, &Localizer{tag: tag, loc: goi18n.NewLocalizer(b, tag.String())})
	return l.(*Localizer)
}

// match picks the first preference the panel speaks; Accept-Language lists
// are parsed with their weights.
func match(prefs []string) language.Tag {
	for _, p := range prefs {
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		if t, _, conf := matcher.Match(tags...); conf != language.No {
			base, _ := t.Base()
			return language.Make(base.String())
		}
	}
	return language.English
}

// Lang is the language's BCP 47 code, for <html lang>.
func (l *Localizer) Lang() string { return l.tag.String() }

// Tag is the language, for x/text (names of languages and countries,
// collation).
func (l *Localizer) Tag() language.Tag { return l.tag }

// T is the message id, filled with data (a map of template fields). A
// missing id answers the id itself so that a page still renders; the test
// of the message files keeps that from shipping.
func (l *Localizer) T(id string, data ...map[string]any) string {
	if len(data) == 0 {
		if s, ok := l.plain.Load(id); ok {
			return s.(string)
		}
	} else if s, ok := l.filled(id, data[0]); ok {
		return s
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	s, err := l.loc.Localize(cfg)
	if err != nil {
		return id // not kept: the files are embedded, but say it every time
	}
	if len(data) == 0 {
		l.plain.Store(id, s)
	}
	return s
}

// N is the message id in its plural form for count, which the message can
// show as {{.Count}}.
func (l *Localizer) N(id string, count int, data ...map[string]any) string {
	td := map[string]any{"Count": count}
	if len(data) > 0 {
		for k, v := range data[0] {
			td[k] = v
		}
	}
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: td})
	if err != nil {
		return id
	}
	return s
}

type ctxKey struct{}

// With puts the localizer in ctx.
func With(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From is the localizer in ctx, English when there is none.
func From(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok {
		return l
	}
	return For(language.English)
}

// T looks id up in the language of ctx: the short form templates use.
func T(ctx context.Context, id string, data ...map[string]any) string {
	return From(ctx).T(id, data...)
}

// N looks up the plural form of id for count in the language of ctx.
func N(ctx context.Context, id string, count int, data ...map[string]any) string {
	return From(ctx).N(id, count, data...)
}
