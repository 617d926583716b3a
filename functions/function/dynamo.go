package function

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/dynamostore"
)

// dynamoLedger opens the DynamoDB ledger table with the credentials and
// region Lambda gives every function in its environment. It reads them
// itself rather than through the SDK's config package, which would add
// megabytes of credential providers the function never uses.
// AWS_ENDPOINT_URL_DYNAMODB, the SDK's own name for it, points the
// client elsewhere: at a DynamoDB-compatible server in tests.
func dynamoLedger(getenv func(string) string, table string, now func() time.Time) (ledger.Store, func() error, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		return nil, nil, errors.New("INTAKE_LEDGER_TABLE: AWS_REGION is not set, so the table cannot be found")
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
	return dynamostore.New(dynamodb.New(opts), table, now), nil, nil
}
