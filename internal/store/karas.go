package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/kmusers/kmusers/internal/karas"
	"github.com/kmusers/kmusers/internal/users"
)

// The song catalogue (migration 100): songs with their titles by language
// and their tags by type; tags with their names by language and the
// provider ids of series. Children go with their parent (ON DELETE CASCADE).

func migrateV100(tx *gorm.DB) error {
	for _, sql := range []string{
		// songs holds what lists sort and filter on; the whole song, for
		// display, is in song_payloads, so that a sort reads few pages.
		`CREATE TABLE songs (
			kid TEXT PRIMARY KEY,
			karafile TEXT NOT NULL,
			fingerprint TEXT NOT NULL,
			default_lang TEXT NOT NULL,
			series_tid TEXT NOT NULL DEFAULT '',
			songtype TEXT NOT NULL DEFAULT '',
			songorder INTEGER,
			year INTEGER NOT NULL DEFAULT 0,
			created_at TEXT NOT NULL DEFAULT '',
			search TEXT NOT NULL DEFAULT ''
		) WITHOUT ROWID`,
		`CREATE TABLE song_payloads (
			kid TEXT PRIMARY KEY REFERENCES songs (kid) ON DELETE CASCADE,
			payload TEXT NOT NULL
		)`,
		`CREATE TABLE song_titles (
			kid TEXT NOT NULL REFERENCES songs (kid) ON DELETE CASCADE,
			lang TEXT NOT NULL,
			title TEXT NOT NULL,
			PRIMARY KEY (kid, lang)
		) WITHOUT ROWID`,
		`CREATE TABLE song_tags (
			kid TEXT NOT NULL REFERENCES songs (kid) ON DELETE CASCADE,
			type TEXT NOT NULL,
			tid TEXT NOT NULL,
			PRIMARY KEY (kid, type, tid)
		) WITHOUT ROWID`,
		"CREATE INDEX idx_song_tags_tid ON song_tags (tid, kid)",
		`CREATE TABLE tags (
			tid TEXT PRIMARY KEY,
			name TEXT NOT NULL,
			types TEXT NOT NULL,
			tagfile TEXT NOT NULL,
			payload TEXT NOT NULL
		)`,
		`CREATE TABLE tag_names (
			tid TEXT NOT NULL REFERENCES tags (tid) ON DELETE CASCADE,
			lang TEXT NOT NULL,
			name TEXT NOT NULL,
			PRIMARY KEY (tid, lang)
		) WITHOUT ROWID`,
		`CREATE TABLE tag_anime_ids (
			provider TEXT NOT NULL,
			anime_id INTEGER NOT NULL,
			tid TEXT NOT NULL REFERENCES tags (tid) ON DELETE CASCADE,
			PRIMARY KEY (provider, anime_id, tid)
		) WITHOUT ROWID`,
		"CREATE INDEX idx_tag_anime_ids_tid ON tag_anime_ids (tid)",
		// generation changes with every import that changes something: it
		// tells cached orders of the catalogue apart.
		"CREATE TABLE catalogue_generation (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL)",
		"INSERT INTO catalogue_generation (id, generation) VALUES (1, 0)",
	} {
		if err := tx.Exec(ddl(tx, sql)).Error; err != nil {
			return err
		}
	}
	return nil
}

// StoredSongs returns every song's file and fingerprint.
func (s *Store) StoredSongs(ctx context.Context) (map[string]karas.Stored, error) {
	rows, err := s.r.WithContext(ctx).Raw("SELECT kid, karafile, fingerprint FROM songs").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]karas.Stored{}
	for rows.Next() {
		var kid string
		var st karas.Stored
		if err := rows.Scan(&kid, &st.File, &st.Fingerprint); err != nil {
			return nil, err
		}
		out[kid] = st
	}
	return out, rows.Err()
}

// StoredTags returns every tag's file.
func (s *Store) StoredTags(ctx context.Context) (map[string]string, error) {
	rows, err := s.r.WithContext(ctx).Raw("SELECT tid, tagfile FROM tags").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var tid, file string
		if err := rows.Scan(&tid, &file); err != nil {
			return nil, err
		}
		out[tid] = file
	}
	return out, rows.Err()
}

// ApplyImport writes an import in one transaction: the deletions (their
// children go by cascade), then the rows, inserted many per statement. It
// runs on database/sql statements prepared once for the transaction: through
// GORM each call prepared its statement again, and an import of 25,000
// songs took a minute (docs/PERFORMANCE.md).
func (s *Store) ApplyImport(ctx context.Context, p karas.Plan) error {
	sqlDB, err := s.w.DB()
	if err != nil {
		return err
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := &importWriter{ctx: ctx, tx: tx, rebind: s.rebind}
	defer w.close()
	for _, tid := range p.DeleteTags {
		w.exec("DELETE FROM tags WHERE tid = ?", []any{tid})
	}
	for _, kid := range p.Delete {
		w.exec("DELETE FROM songs WHERE kid = ?", []any{kid})
	}
	// Parents first: a child row's batch may run before its parent's would.
	tags := w.batch("tags (tid, name, types, tagfile, payload)", 5)
	for i := range p.Tags {
		t := &p.Tags[i]
		ref, _ := json.Marshal(karas.TagRef{TID: t.TID, Name: t.Name, Short: t.Short, I18n: t.I18n, Aliases: t.Aliases})
		types, _ := json.Marshal(t.Types)
		tags.add(t.TID, t.Name, string(types), t.File, string(ref))
	}
	tags.flush()
	names := w.batch("tag_names (tid, lang, name)", 3)
	ids := w.batch("tag_anime_ids (provider, anime_id, tid)", 3)
	for i := range p.Tags {
		t := &p.Tags[i]
		for lang, name := range t.I18n {
			names.add(t.TID, lang, name)
		}
		for provider, id := range t.AnimeIDs {
			ids.add(provider, id, t.TID)
		}
	}
	names.flush()
	ids.flush()
	songs := w.batch("songs (kid, karafile, fingerprint, default_lang, series_tid, songtype, songorder, year, created_at, search)", 10)
	for i := range p.Upsert {
		so := &p.Upsert[i]
		songs.add(so.KID, so.File, so.Fingerprint, so.DefaultLanguage, so.SeriesTID, so.SongType,
			so.SongOrder, so.Year, so.CreatedAt, so.Search)
	}
	songs.flush()
	payloads := w.batch("song_payloads (kid, payload)", 2)
	for i := range p.Upsert {
		payload, err := json.Marshal(&p.Upsert[i])
		if err != nil {
			return err
		}
		payloads.add(p.Upsert[i].KID, string(payload))
	}
	payloads.flush()
	titles := w.batch("song_titles (kid, lang, title)", 3)
	songTags := w.batch("song_tags (kid, type, tid)", 3)
	for i := range p.Upsert {
		so := &p.Upsert[i]
		for lang, title := range so.Titles {
			titles.add(so.KID, lang, title)
		}
		for typ, refs := range so.Resolved {
			for _, r := range refs {
				songTags.add(so.KID, typ, r.TID)
			}
		}
	}
	titles.flush()
	songTags.flush()
	if len(p.DeleteTags)+len(p.Tags)+len(p.Delete)+len(p.Upsert) > 0 {
		w.exec("UPDATE catalogue_generation SET generation = generation + 1 WHERE id = ?", []any{1})
	}
	if w.err != nil {
		return w.err
	}
	return tx.Commit()
}

// rebind turns ? placeholders into the dialect's own ($1... for PostgreSQL)
// for the statements that bypass GORM.
func (s *Store) rebind(q string) string {
	if s.w.Dialector.Name() != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// importWriter runs an import's statements, each prepared once; the first
// error stops everything after it.
type importWriter struct {
	ctx    context.Context
	tx     *sql.Tx
	rebind func(string) string
	stmts  map[string]*sql.Stmt
	err    error
}

// batchRows is how many rows one multi-row INSERT carries (at most 10
// columns: 1,000 bound values, far below SQLite's limit).
const batchRows = 100

func (w *importWriter) exec(q string, args []any) {
	if w.err != nil || args == nil {
		return
	}
	st, ok := w.stmts[q]
	if !ok {
		st, w.err = w.tx.PrepareContext(w.ctx, w.rebind(q))
		if w.err != nil {
			return
		}
		if w.stmts == nil {
			w.stmts = map[string]*sql.Stmt{}
		}
		w.stmts[q] = st
	}
	_, w.err = st.ExecContext(w.ctx, args...)
}

func (w *importWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

// batch inserts rows into table, batchRows per statement; the rest one by
// one, so there are two statement texts per table whatever the count.
func (w *importWriter) batch(table string, cols int) *rowBatch {
	return &rowBatch{w: w, table: table, cols: cols}
}

type rowBatch struct {
	w     *importWriter
	table string
	cols  int
	args  []any
}

func (b *rowBatch) add(vals ...any) {
	b.args = append(b.args, vals...)
	if len(b.args) == batchRows*b.cols {
		b.w.exec(b.insert(batchRows), b.args)
		b.args = b.args[:0]
	}
}

func (b *rowBatch) flush() {
	one := b.insert(1)
	for i := 0; i+b.cols <= len(b.args); i += b.cols {
		b.w.exec(one, b.args[i:i+b.cols])
	}
	b.args = b.args[:0]
}

func (b *rowBatch) insert(rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
	return "INSERT INTO " + b.table + " VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

// AnimeWithSongs counts the anime of a user's list that have at least one
// song in the catalogue.
func (s *Store) AnimeWithSongs(ctx context.Context, login, provider string) (int, error) {
	var n int
	err := s.r.WithContext(ctx).Raw(`WITH ids AS (
			SELECT DISTINCT CAST(j.value AS INTEGER) AS id
			FROM users u, `+s.jsonValues("u.anime_list_ids")+`
			WHERE u.login = ?
		)
		SELECT COUNT(*) FROM ids WHERE EXISTS (
			SELECT 1 FROM tag_anime_ids a JOIN song_tags st ON st.tid = a.tid
			WHERE a.provider = ? AND a.anime_id = ids.id)`, login, provider).Row().Scan(&n)
	return n, err
}

// SetAnimeList stores a fetched list, only while the user still asks for
// the list it was fetched from (provider and social network names): an edit
// during the fetch wins.
func (s *Store) SetAnimeList(ctx context.Context, login, provider string, social users.SocialNetworks, ids []int, at time.Time) (bool, error) {
	sn, err := social.Value()
	if err != nil {
		return false, err
	}
	list, err := users.IntList(ids).Value()
	if err != nil {
		return false, err
	}
	res := s.w.WithContext(ctx).Exec(`UPDATE users SET anime_list_ids = ?, anime_list_last_modified_at = ?
		WHERE login = ? AND anime_list_to_fetch = ? AND social_networks = ?`, list, at.UTC(), login, provider, sn)
	return res.RowsAffected > 0, res.Error
}

// jsonValues is a FROM item "j" whose column value runs over the elements
// of a JSON array (text holding one): json_each on SQLite, on PostgreSQL
// jsonb_array_elements_text, which has no json_each.
func (s *Store) jsonValues(expr string) string {
	if s.isPostgres() {
		return "jsonb_array_elements_text(CAST(" + expr + " AS jsonb)) AS j(value)"
	}
	return "json_each(" + expr + ") j"
}

// escapeLike escapes LIKE's wildcards with a backslash.
func escapeLike(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c == '_' || c == '\\' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}
