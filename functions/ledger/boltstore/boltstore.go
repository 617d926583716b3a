// Package boltstore keeps the delivery ledger in one file, for running
// the portal on one machine (make run) and in tests. It uses bbolt: a
// pure-Go, single-file store whose every write transaction is fsynced
// before it returns, so an entry the function has written survives a
// crash, as an accepted application must. SQLite would serve as well;
// bbolt is smaller, needs no SQL for a key-value record, and keeps the
// function free of a C toolchain.
package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"familjeratt.example/portal/functions/ledger"
)

var bucket = []byte("entries")

// Store is a ledger in a bbolt file. The file is opened for each
// operation and closed after it, so that another process (make ledger
// while make run serves) takes its turn: bbolt locks the whole file while
// it is open.
type Store struct {
	path   string
	now    func() time.Time
	mu     sync.Mutex
	closed bool
}

// Open opens (or creates) the ledger file at path and checks that it can
// be written. now is the clock that decides what has expired; nil means
// time.Now.
func Open(path string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	s := &Store{path: path, now: now}
	if err := s.update(func(*bolt.Bucket) error { return nil }); err != nil {
		return nil, err
	}
	return s, nil
}

// Close makes every later operation fail, as a closed file would.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// ErrClosed is the error of a closed store's operations.
var ErrClosed = errors.New("ledger: closed")

// with opens the file, runs fn in a transaction, and closes it. Within
// the process, operations take turns; other processes wait up to a
// second for the file's lock.
func (s *Store) with(write bool, fn func(*bolt.Bucket) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: false})
	if err != nil {
		return fmt.Errorf("ledger %s: %w", s.path, err)
	}
	defer db.Close()
	if !write {
		return db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucket)
			if b == nil {
				return nil
			}
			return fn(b)
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

func (s *Store) view(fn func(*bolt.Bucket) error) error   { return s.with(false, fn) }
func (s *Store) update(fn func(*bolt.Bucket) error) error { return s.with(true, fn) }

func (s *Store) decode(v []byte) (ledger.Entry, bool, error) {
	var e ledger.Entry
	if err := json.Unmarshal(v, &e); err != nil {
		return e, false, err
	}
	return e, s.now().Before(e.Expires), nil
}

// Get returns the reference's entry.
func (s *Store) Get(_ context.Context, reference string) (ledger.Entry, error) {
	var (
		e     ledger.Entry
		found bool
	)
	err := s.view(func(b *bolt.Bucket) error {
		v := b.Get([]byte(reference))
		if v == nil {
			return nil
		}
		var err error
		e, found, err = s.decode(v)
		return err
	})
	switch {
	case err != nil:
		return ledger.Entry{}, err
	case !found:
		return ledger.Entry{}, ledger.ErrNotFound
	}
	return e, nil
}

// Put writes e if the stored version is e.Version-1, in one fsynced
// transaction.
func (s *Store) Put(_ context.Context, e ledger.Entry) error {
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return s.update(func(b *bolt.Bucket) error {
		stored := int64(0)
		if old := b.Get([]byte(e.Reference)); old != nil {
			prev, live, err := s.decode(old)
			if err != nil {
				return err
			}
			if live {
				stored = prev.Version
			}
		}
		if stored != e.Version-1 {
			return ledger.ErrConflict
		}
		return b.Put([]byte(e.Reference), v)
	})
}

// Scan calls fn with every entry not expired. Expired entries are
// deleted on the way, as DynamoDB's TTL would.
func (s *Store) Scan(_ context.Context, fn func(ledger.Entry) error) error {
	var entries []ledger.Entry
	var expired [][]byte
	err := s.view(func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			e, live, err := s.decode(v)
			if err != nil {
				return err
			}
			if !live {
				expired = append(expired, bytes.Clone(k))
				return nil
			}
			entries = append(entries, e)
			return nil
		})
	})
	if err != nil {
		return err
	}
	if len(expired) > 0 {
		// Best effort: a failure leaves them for the next scan.
		_ = s.update(func(b *bolt.Bucket) error {
			for _, k := range expired {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for _, e := range entries {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

var _ ledger.Store = (*Store)(nil)
