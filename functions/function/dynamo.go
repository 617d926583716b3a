package function

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/dynamostore"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/dynamostats"
)

// dynamoLedger opens the DynamoDB ledger table.
func dynamoLedger(getenv func(string) string, table string, now func() time.Time) (ledger.Store, func() error, error) {
	client, err := dynamoClient(getenv, "INTAKE_LEDGER_TABLE")
	if err != nil {
		return nil, nil, err
	}
	return dynamostore.New(client, table, now), nil, nil
}

// dynamoStats opens the DynamoDB table of the statistics' counters.
func dynamoStats(getenv func(string) string, table string) (stats.Store, error) {
	client, err := dynamoClient(getenv, "INTAKE_STATS_TABLE")
	if err != nil {
		return nil, err
	}
	return dynamostats.New(client, table), nil
}

// dynamoClient makes a DynamoDB client with the credentials and region
// Lambda gives every function in its environment. It reads them itself
// rather than through the SDK's config package, which would add
// megabytes of credential providers the function never uses.
// AWS_ENDPOINT_URL_DYNAMODB, the SDK's own name for it, points the
// client elsewhere: at a DynamoDB-compatible server in tests. variable
// names the setting that asked for a table, for the message.
func dynamoClient(getenv func(string) string, variable string) (*dynamodb.Client, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		return nil, errors.New(variable + ": AWS_REGION is not set, so the table cannot be found")
	}
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		// Read at each request: a test or a runtime may set them after start.
		c := aws.Credentials{AccessKeyID: getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: getenv("AWS_SECRET_ACCESS_KEY"),
			SessionToken: getenv("AWS_SESSION_TOKEN"), Source: "environment"}
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return aws.Credentials{}, errors.New("no AWS credentials in the environment")
		}
		return c, nil
	})
	opts := dynamodb.Options{Region: region, Credentials: creds}
	if ep := getenv("AWS_ENDPOINT_URL_DYNAMODB"); ep != "" {
		opts.BaseEndpoint = aws.String(ep)
	}
	return dynamodb.New(opts), nil
}
