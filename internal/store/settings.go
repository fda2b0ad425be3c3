package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type setting struct {
	Key   string `gorm:"column:key;primaryKey"`
	Value string `gorm:"column:value"`
}

func (setting) TableName() string { return "settings" }

// LoadSettings reads every stored setting.
func (s *Store) LoadSettings(ctx context.Context) (map[string]string, error) {
	var rows []setting
	if err := s.r.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, err
	}
	kv := make(map[string]string, len(rows))
	for _, r := range rows {
		kv[r.Key] = r.Value
	}
	return kv, nil
}

// SaveSettings upserts settings in one transaction.
func (s *Store) SaveSettings(ctx context.Context, kv map[string]string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		for k, v := range kv {
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "key"}},
				DoUpdates: clause.AssignmentColumns([]string{"value"}),
			}).Create(&setting{Key: k, Value: v}).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
}
