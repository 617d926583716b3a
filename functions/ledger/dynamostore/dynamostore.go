// Package dynamostore keeps the delivery ledger in an Amazon DynamoDB
// table, for the function in production: one item per reference, in an
// on-demand table whose partition key is reference (S) and whose TTL is
// on the attribute [TTLAttribute].
//
// Three properties of DynamoDB shape it:
//
//   - TTL deletes late. DynamoDB removes an expired item when it gets
//     round to it, which can be days after its time. Until then GetItem
//     and Scan still return it, so every read here checks expires
//     against the store's clock and ignores an item that has passed it,
//     and a first write treats such an item as absent.
//   - Writes are conditional, and that is the whole of the concurrency
//     control. An entry is one item, and every Put is one PutItem
//     conditional on the version it was read with (or, for version 1, on
//     there being no live item); when the condition fails DynamoDB
//     writes nothing and the store returns ledger.ErrConflict, so two
//     function instances racing on a reference cannot both win.
//   - No transactions. An entry never spans items, so none is needed,
//     and the local DynamoDB-compatible server the tests run (dynalite)
//     has none: code that relied on them would go untested.
//
// Reads are strongly consistent (ConsistentRead), so an entry the
// function has just written is what the next read sees.
//
// The client is taken, not made: New needs only the three calls of [API],
// which *dynamodb.Client has, so this package does not link the SDK's
// config loading; the caller builds the client.
package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"familjeratt.example/portal/functions/ledger"
)

// The item's attributes. Only reference, state, received, expires and
// version are always there; the others are left out when empty.
const (
	// KeyAttribute is the table's partition key (S): the entry's
	// reference.
	KeyAttribute = "reference"
	// TTLAttribute is when the item expires, a Number of Unix epoch
	// seconds, as DynamoDB's TTL requires: the template names it as the
	// table's TimeToLiveSpecification. Entry.Expires is kept to the
	// whole second.
	TTLAttribute = "expires"

	attrForm       = "form"        // S
	attrOffice     = "office"      // S
	attrReceived   = "received"    // S, RFC 3339 with nanoseconds, UTC
	attrState      = "state"       // S, a ledger.State
	attrAt         = "at"          // M: state name -> S, RFC 3339 as received
	attrReminders  = "reminders"   // N
	attrMessageID  = "message_id"  // S
	attrProviderID = "provider_id" // S
	attrVersion    = "version"     // N
	attrCounted    = "counted"     // BOOL, only when true
)

// attributes lists every attribute an item written by the store may
// hold; an item holds no other.
var attributes = []string{
	KeyAttribute, attrForm, attrOffice, attrReceived, attrState, attrAt,
	attrReminders, attrMessageID, attrProviderID, TTLAttribute, attrVersion, attrCounted,
}

// API is the part of the DynamoDB client the store uses.
type API interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Store is a ledger in a DynamoDB table.
type Store struct {
	client API
	table  string
	now    func() time.Time
}

// New returns the store over the table. now is the clock that decides
// what has expired; nil means time.Now.
func New(client API, table string, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{client: client, table: table, now: now}
}

// Get returns the reference's entry, or ledger.ErrNotFound when there is
// none or it has expired (and TTL has not deleted it yet).
func (s *Store) Get(ctx context.Context, reference string) (ledger.Entry, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            map[string]types.AttributeValue{KeyAttribute: str(reference)},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("ledger: dynamodb get %s: %w", reference, err)
	}
	if out.Item == nil {
		return ledger.Entry{}, ledger.ErrNotFound
	}
	e, err := decode(out.Item)
	if err != nil {
		return ledger.Entry{}, fmt.Errorf("ledger: dynamodb item %s: %w", reference, err)
	}
	if !s.live(e) {
		return ledger.Entry{}, ledger.ErrNotFound
	}
	return e, nil
}

// Put writes e in one conditional PutItem: for version 1, if there is no
// item or only an expired one; otherwise if the stored item is live and
// has version e.Version-1. When the condition fails it returns
// ledger.ErrConflict and nothing is written.
func (s *Store) Put(ctx context.Context, e ledger.Entry) error {
	if e.Reference == "" {
		return errors.New("ledger: dynamodb put: an entry without a reference")
	}
	if e.Version < 1 {
		return fmt.Errorf("ledger: dynamodb put %s: version %d: %w", e.Reference, e.Version, ledger.ErrConflict)
	}
	in := &dynamodb.PutItemInput{
		TableName:                aws.String(s.table),
		Item:                     encode(e),
		ExpressionAttributeNames: map[string]string{"#expires": TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": num(s.now().Unix()),
		},
	}
	// An item is expired when its expires is at or before now, in whole
	// seconds: the same test as live, so a first write succeeds exactly
	// when Get would say ErrNotFound.
	if e.Version == 1 {
		in.ConditionExpression = aws.String("attribute_not_exists(#ref) OR #expires <= :now")
		in.ExpressionAttributeNames["#ref"] = KeyAttribute
	} else {
		in.ConditionExpression = aws.String("#version = :prev AND #expires > :now")
		in.ExpressionAttributeNames["#version"] = attrVersion
		in.ExpressionAttributeValues[":prev"] = num(e.Version - 1)
	}
	if _, err := s.client.PutItem(ctx, in); err != nil {
		var failed *types.ConditionalCheckFailedException
		if errors.As(err, &failed) {
			return fmt.Errorf("ledger: dynamodb put %s version %d: %w", e.Reference, e.Version, ledger.ErrConflict)
		}
		return fmt.Errorf("ledger: dynamodb put %s: %w", e.Reference, err)
	}
	return nil
}

// Scan calls fn with every entry not expired, a page at a time. Expired
// items are filtered out by DynamoDB (they still cost their read) and
// left for TTL to delete.
func (s *Store) Scan(ctx context.Context, fn func(ledger.Entry) error) error {
	p := dynamodb.NewScanPaginator(s.client, &dynamodb.ScanInput{
		TableName:                 aws.String(s.table),
		ConsistentRead:            aws.Bool(true),
		FilterExpression:          aws.String("#expires > :now"),
		ExpressionAttributeNames:  map[string]string{"#expires": TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": num(s.now().Unix())},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("ledger: dynamodb scan: %w", err)
		}
		for _, item := range page.Items {
			e, err := decode(item)
			if err != nil {
				return fmt.Errorf("ledger: dynamodb scan: %w", err)
			}
			if !s.live(e) { // the filter's clock and ours are one, but a page may be old
				continue
			}
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// live reports whether e has not expired: its expires, in whole seconds,
// is after now's.
func (s *Store) live(e ledger.Entry) bool { return e.Expires.Unix() > s.now().Unix() }

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func stamp(t time.Time) types.AttributeValue { return str(t.UTC().Format(time.RFC3339Nano)) }

// encode lays e out as an item, leaving out empty optional attributes.
func encode(e ledger.Entry) map[string]types.AttributeValue {
	item := map[string]types.AttributeValue{
		KeyAttribute: str(e.Reference),
		attrState:    str(string(e.State)),
		attrReceived: stamp(e.Received),
		TTLAttribute: num(e.Expires.Unix()),
		attrVersion:  num(e.Version),
	}
	for name, v := range map[string]string{
		attrForm: e.Form, attrOffice: e.Office, attrMessageID: e.MessageID, attrProviderID: e.ProviderID,
	} {
		if v != "" {
			item[name] = str(v)
		}
	}
	if e.Reminders != 0 {
		item[attrReminders] = num(int64(e.Reminders))
	}
	if e.Counted {
		item[attrCounted] = &types.AttributeValueMemberBOOL{Value: true}
	}
	if len(e.At) > 0 {
		at := make(map[string]types.AttributeValue, len(e.At))
		for state, t := range e.At {
			at[string(state)] = stamp(t)
		}
		item[attrAt] = &types.AttributeValueMemberM{Value: at}
	}
	return item
}

// decode reads an item written by encode. A required attribute that is
// missing or of the wrong type is an error.
func decode(item map[string]types.AttributeValue) (ledger.Entry, error) {
	var (
		e   ledger.Entry
		err error
	)
	getS := func(name string, required bool) string {
		switch v := item[name].(type) {
		case *types.AttributeValueMemberS:
			return v.Value
		case nil:
			if required && err == nil {
				err = fmt.Errorf("no %s", name)
			}
		default:
			if err == nil {
				err = fmt.Errorf("%s is %T, not a string", name, v)
			}
		}
		return ""
	}
	getN := func(name string, required bool) int64 {
		switch v := item[name].(type) {
		case *types.AttributeValueMemberN:
			n, perr := strconv.ParseInt(v.Value, 10, 64)
			if perr != nil && err == nil {
				err = fmt.Errorf("%s: %w", name, perr)
			}
			return n
		case nil:
			if required && err == nil {
				err = fmt.Errorf("no %s", name)
			}
		default:
			if err == nil {
				err = fmt.Errorf("%s is %T, not a number", name, v)
			}
		}
		return 0
	}
	parse := func(name, v string) time.Time {
		t, perr := time.Parse(time.RFC3339Nano, v)
		if perr != nil && err == nil {
			err = fmt.Errorf("%s: %w", name, perr)
		}
		return t
	}
	e.Reference = getS(KeyAttribute, true)
	e.Form = getS(attrForm, false)
	e.Office = getS(attrOffice, false)
	e.State = ledger.State(getS(attrState, true))
	e.Received = parse(attrReceived, getS(attrReceived, true))
	e.Reminders = int(getN(attrReminders, false))
	e.MessageID = getS(attrMessageID, false)
	e.ProviderID = getS(attrProviderID, false)
	e.Expires = time.Unix(getN(TTLAttribute, true), 0).UTC()
	e.Version = getN(attrVersion, true)
	switch v := item[attrCounted].(type) {
	case nil:
	case *types.AttributeValueMemberBOOL:
		e.Counted = v.Value
	default:
		if err == nil {
			err = fmt.Errorf("%s is %T, not a boolean", attrCounted, v)
		}
	}
	e.At = map[ledger.State]time.Time{}
	switch v := item[attrAt].(type) {
	case nil:
	case *types.AttributeValueMemberM:
		for state, av := range v.Value {
			s, ok := av.(*types.AttributeValueMemberS)
			if !ok {
				if err == nil {
					err = fmt.Errorf("%s.%s is %T, not a string", attrAt, state, av)
				}
				continue
			}
			e.At[ledger.State(state)] = parse(attrAt+"."+state, s.Value)
		}
	default:
		if err == nil {
			err = fmt.Errorf("%s is %T, not a map", attrAt, v)
		}
	}
	return e, err
}

var _ ledger.Store = (*Store)(nil)
