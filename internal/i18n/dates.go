package i18n

import (
	"strconv"
	"time"
)

// Date is t as a date and time in UTC, written the language's way:
// "26 Nov 2026, 08:33 UTC", "26 nov. 2026 à 08:33 UTC".
func (l *Localizer) Date(t time.Time) string {
	t = t.UTC()
	return l.T("date.long", map[string]any{
		"Day": t.Day(), "Month": l.T("month." + strconv.Itoa(int(t.Month()))),
		"Year": t.Year(), "Time": t.Format("15:04"),
	})
}

// Ago is how long before now t was, in words: "just now", "5 minutes ago",
// "il y a 3 jours", "2 years ago".
func (l *Localizer) Ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return l.T("ago.now")
	case d < time.Hour:
		return l.N("ago.minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return l.N("ago.hours", int(d/time.Hour))
	case d < 30*24*time.Hour:
		return l.N("ago.days", int(d/(24*time.Hour)))
	case d < 365*24*time.Hour:
		return l.N("ago.months", int(d/(30*24*time.Hour)))
	}
	return l.N("ago.years", int(d/(365*24*time.Hour)))
}
