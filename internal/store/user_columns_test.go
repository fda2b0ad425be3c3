package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kmusers/kmusers/internal/users"
)

// Every field of a user survives a save of another field: fill each one by
// reflection (so a field added later is filled too), insert, change the bio
// alone, save, read back and compare.
func TestUserRoundTripEveryField(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	u := &users.User{}
	fillEveryField(t, reflect.ValueOf(u).Elem())
	u.Login = "roundtrip"
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Insert(u) }); err != nil {
		t.Fatal(err)
	}
	got, err := s.UserByLogin(ctx, u.Login)
	if err != nil {
		t.Fatal(err)
	}
	compareUsers(t, "after insert", u, got)

	bio := "a new bio"
	got.Bio = &bio
	if err := s.Update(ctx, func(tx users.Tx) error { return tx.Save(got) }); err != nil {
		t.Fatal(err)
	}
	again, err := s.UserByLogin(ctx, u.Login)
	if err != nil {
		t.Fatal(err)
	}
	u.Bio = &bio
	compareUsers(t, "after saving the bio", u, again)
}

// Every column the struct declares is in the one column list.
func TestUserFieldsListEveryColumn(t *testing.T) {
	listed := map[string]bool{}
	for _, f := range userFields {
		listed[f.col] = true
	}
	typ := reflect.TypeFor[users.User]()
	for i := range typ.NumField() {
		col, ok := strings.CutPrefix(strings.Split(typ.Field(i).Tag.Get("gorm"), ";")[0], "column:")
		if !ok || !listed[col] {
			t.Errorf("users.User.%s (column %q) is not in userFields", typ.Field(i).Name, col)
		}
	}
	if len(userFields) != typ.NumField() {
		t.Errorf("userFields has %d columns, users.User %d fields", len(userFields), typ.NumField())
	}
}

// fillEveryField sets each field to a non-zero value that differs from the
// defaults, by kind, recursing into structs of strings.
func fillEveryField(t *testing.T, v reflect.Value) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case f.Type() == reflect.TypeFor[time.Time]():
			f.Set(reflect.ValueOf(at.Add(time.Duration(i) * time.Hour)))
		case f.Type() == reflect.TypeFor[*time.Time]():
			tm := at.Add(time.Duration(i) * time.Minute)
			f.Set(reflect.ValueOf(&tm))
		case f.Kind() == reflect.String:
			f.SetString(fmt.Sprintf("v-%s", strings.ToLower(name)))
		case f.Kind() == reflect.Int:
			f.SetInt(int64(1 + i%2))
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String:
			s := fmt.Sprintf("p-%s", strings.ToLower(name))
			f.Set(reflect.ValueOf(&s))
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Bool:
			b := false // false differs from nil ("not asked")
			f.Set(reflect.ValueOf(&b))
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Int:
			f.Set(reflect.ValueOf([]int{i, i + 1}).Convert(f.Type()))
		case f.Kind() == reflect.Struct:
			fillEveryField(t, f)
		default:
			t.Fatalf("fillEveryField: no value for field %s of type %s: teach the test", name, f.Type())
		}
	}
}

func compareUsers(t *testing.T, when string, want, got *users.User) {
	t.Helper()
	wv, gv := reflect.ValueOf(want).Elem(), reflect.ValueOf(got).Elem()
	for i := range wv.NumField() {
		w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
		if !reflect.DeepEqual(normalTime(w), normalTime(g)) {
			t.Errorf("%s: %s = %#v, want %#v", when, wv.Type().Field(i).Name, g, w)
		}
	}
}

// normalTime compares times as instants, whatever their location.
func normalTime(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case *time.Time:
		if x != nil {
			return x.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}
