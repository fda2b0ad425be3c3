package store

import (
	"context"

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
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for name, v := range fresh {
			err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&serverKey{Name: name, Value: v}).Error
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
