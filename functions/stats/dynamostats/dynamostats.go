// Package dynamostats keeps the statistics' counters in an Amazon
// DynamoDB table of their own: partition key office (S), sort key month
// (S, "2026-07"), one Number attribute per measure. The table has no
// stream and no time to live: a row holds sums only, nothing tied to a
// reference or a time finer than the month.
//
// Counting is UpdateItem with ADD, which DynamoDB applies atomically to
// each attribute, creating the item and the attribute at zero when they
// are missing: concurrent function instances adding to the same month
// never lose an increment, and no read comes first.
package dynamostats

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"familjeratt.example/portal/functions/stats"
)

// The key attributes: the template declares them as the table's keys.
const (
	OfficeAttribute = "office"
	MonthAttribute  = "month"
)

// API is the part of the DynamoDB client the store uses.
type API interface {
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Store is the counters in a DynamoDB table.
type Store struct {
	client API
	table  string
}

// New returns the store over the table.
func New(client API, table string) *Store { return &Store{client: client, table: table} }

// Add adds c to the office's month with one UpdateItem ADD.
func (s *Store) Add(ctx context.Context, office, month string, c stats.Counts) error {
	if err := c.Known(); err != nil {
		return err
	}
	if len(c) == 0 {
		return nil
	}
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	var parts []string
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		n, v := "#m"+strconv.Itoa(i), ":v"+strconv.Itoa(i)
		names[n] = k
		values[v] = &types.AttributeValueMemberN{Value: strconv.FormatInt(c[k], 10)}
		parts = append(parts, n+" "+v)
	}
	expr := "ADD " + strings.Join(parts, ", ")
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table),
		Key: map[string]types.AttributeValue{
			OfficeAttribute: &types.AttributeValueMemberS{Value: office},
			MonthAttribute:  &types.AttributeValueMemberS{Value: month},
		},
		UpdateExpression:          aws.String(expr),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	})
	if err != nil {
		return fmt.Errorf("statistics: %w", err)
	}
	return nil
}

// Scan calls fn with every row, page by page (strongly consistent).
func (s *Store) Scan(ctx context.Context, fn func(stats.Row) error) error {
	var start map[string]types.AttributeValue
	for {
		out, err := s.client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(s.table), ExclusiveStartKey: start,
			ConsistentRead: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("statistics: %w", err)
		}
		for _, item := range out.Items {
			row, err := decode(item)
			if err != nil {
				return err
			}
			if err := fn(row); err != nil {
				return err
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return nil
		}
		start = out.LastEvaluatedKey
	}
}

func decode(item map[string]types.AttributeValue) (stats.Row, error) {
	row := stats.Row{Counts: stats.Counts{}}
	for name, av := range item {
		switch name {
		case OfficeAttribute, MonthAttribute:
			s, ok := av.(*types.AttributeValueMemberS)
			if !ok {
				return row, fmt.Errorf("statistics: %s is %T, not a string", name, av)
			}
			if name == OfficeAttribute {
				row.Office = s.Value
			} else {
				row.Month = s.Value
			}
		default:
			n, ok := av.(*types.AttributeValueMemberN)
			if !ok {
				return row, fmt.Errorf("statistics: %s is %T, not a number", name, av)
			}
			v, err := strconv.ParseInt(n.Value, 10, 64)
			if err != nil {
				return row, fmt.Errorf("statistics: %s: %w", name, err)
			}
			row.Counts[name] = v
		}
	}
	if row.Office == "" || row.Month == "" {
		return row, fmt.Errorf("statistics: an item without office or month")
	}
	return row, nil
}

var _ stats.Store = (*Store)(nil)
