// Package boltstats keeps the statistics' counters in one bbolt file of
// their own, for running the portal on one machine: a file apart from
// the ledger's, as production keeps them in a table apart, so that the
// counters can be kept for years while ledger entries expire.
package boltstats

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"familjeratt.example/portal/functions/stats"
)

var bucket = []byte("months")

// Store is the counters in a bbolt file, one record per office and
// month. Like the ledger's file, it is opened for each operation, so
// that `make stats` can read it while `make run` serves.
type Store struct {
	path string
	mu   sync.Mutex
}

// Open opens (or creates) the file at path and checks it can be written.
func Open(path string) (*Store, error) {
	s := &Store{path: path}
	if err := s.with(true, func(*bolt.Bucket) error { return nil }); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) with(write bool, fn func(*bolt.Bucket) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("statistics %s: %w", s.path, err)
	}
	defer db.Close()
	if !write {
		return db.View(func(tx *bolt.Tx) error {
			if b := tx.Bucket(bucket); b != nil {
				return fn(b)
			}
			return nil
		})
	}
	return db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucket)
		if err != nil {
			return err
		}
		return fn(b)
	})
}

func key(office, month string) []byte { return []byte(office + "\x00" + month) }

// Add adds c to the office's month in one fsynced transaction.
func (s *Store) Add(_ context.Context, office, month string, c stats.Counts) error {
	if err := c.Known(); err != nil {
		return err
	}
	return s.with(true, func(b *bolt.Bucket) error {
		row := stats.Counts{}
		if v := b.Get(key(office, month)); v != nil {
			if err := json.Unmarshal(v, &row); err != nil {
				return err
			}
		}
		row.Add(c)
		v, err := json.Marshal(row)
		if err != nil {
			return err
		}
		return b.Put(key(office, month), v)
	})
}

// Scan calls fn with every row, ordered by office and month.
func (s *Store) Scan(_ context.Context, fn func(stats.Row) error) error {
	var rows []stats.Row
	err := s.with(false, func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			office, month, _ := strings.Cut(string(k), "\x00")
			row := stats.Row{Office: office, Month: month, Counts: stats.Counts{}}
			if err := json.Unmarshal(v, &row.Counts); err != nil {
				return err
			}
			rows = append(rows, row)
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

var _ stats.Store = (*Store)(nil)
