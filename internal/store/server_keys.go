package store

import (
	"context"
	"maps"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type serverKey struct {
	Name  string `gorm:"column:name;primaryKey"`
	Value string `gorm:"column:value"`
}

func (serverKey) TableName() string { return "server_keys" }

// SharedKeys stores each of fresh whose name has no value yet, and returns
// every stored key: processes starting at once each offer their own, the
// first insert wins, and all of them read the same keys back.
func (s *Store) SharedKeys(ctx context.Context, fresh map[string]string) (map[string]string, error) {
	var rows []serverKey
	names := slices.Sorted(maps.Keys(fresh)) // one order: concurrent starts cannot deadlock
	err := s.write(ctx, func(tx *gorm.DB) error {
		rows = nil
		for _, name := range names {
			err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&serverKey{Name: name, Value: fresh[name]}).Error
			if err != nil {
				return err
			}
		}
		return tx.Find(&rows).Error
	})
	if err != nil {
		return nil, err
	}
	kv := make(map[string]string, len(rows))
	for _, r := range rows {
		kv[r.Name] = r.Value
	}
	return kv, nil
}
