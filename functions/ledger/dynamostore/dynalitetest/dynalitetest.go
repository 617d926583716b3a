// Package dynalitetest runs dynalite, a DynamoDB-compatible server on
// Node.js (pinned in build/dynalite/package-lock.json, installed by make
// deps), on 127.0.0.1 for tests: the ledger's DynamoDB store's, and those
// that run the function as on Lambda. Without it a test fails: CI
// installs it, so a missing server is a broken setup, not a reason to
// test less.
package dynalitetest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Server is one running dynalite.
type Server struct {
	Endpoint string // http://127.0.0.1:port
	Client   *dynamodb.Client
}

var tables atomic.Int64

// Start starts dynalite on 127.0.0.1 at a free port, waits until
// it answers, and stops it (its whole process group) when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatalf("no go.mod above %s: the repository's root is needed to find dynalite", wd)
		}
		root = parent
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed, and the DynamoDB store's tests need it to run dynalite: run `make deps` (%v)", err)
	}
	cli := filepath.Join(root, "build", "dynalite", "node_modules", "dynalite", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("dynalite is not installed, and the DynamoDB store's tests need it: run `make deps` (%v)", err)
	}

	var lastErr error
	for range 3 { // a free port can be taken between choosing and listening
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		d, err := runDynalite(t, node, cli, port)
		if err == nil {
			return d
		}
		lastErr = err
	}
	t.Fatalf("dynalite did not start: %v", lastErr)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects a process's output for error messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func runDynalite(t testing.TB, node, cli string, port int) (*Server, error) {
	cmd := exec.Command(node, cli, "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the group: node and anything it started
		<-exited
	}

	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	d := &Server{Endpoint: endpoint, Client: dynamodb.New(dynamodb.Options{
		Region:       "eu-north-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test", Source: "test"}, nil
		}),
	})}
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := d.Client.ListTables(ctx, &dynamodb.ListTablesInput{}, func(o *dynamodb.Options) {
			o.RetryMaxAttempts = 1
		})
		cancel()
		if err == nil {
			break
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("dynalite on port %d exited: %s", port, out.String())
		default:
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("dynalite on port %d did not answer: %v\n%s", port, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(stop)
	return d, nil
}

// Table creates an empty table laid out as the ledger's in production
// (on demand, partition key "reference", a string) and returns its name.
func (d *Server) Table(t testing.TB) string {
	t.Helper()
	return d.TableKeys(t, "ledger", "reference", "")
}

// TableKeys creates an empty on-demand table named after prefix with a
// string partition key and, unless sortKey is empty, a string sort key,
// and returns its name.
func (d *Server) TableKeys(t testing.TB, prefix, partitionKey, sortKey string) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("%s-%d", prefix, tables.Add(1))
	attrs := []types.AttributeDefinition{{AttributeName: aws.String(partitionKey), AttributeType: types.ScalarAttributeTypeS}}
	keys := []types.KeySchemaElement{{AttributeName: aws.String(partitionKey), KeyType: types.KeyTypeHash}}
	if sortKey != "" {
		attrs = append(attrs, types.AttributeDefinition{AttributeName: aws.String(sortKey), AttributeType: types.ScalarAttributeTypeS})
		keys = append(keys, types.KeySchemaElement{AttributeName: aws.String(sortKey), KeyType: types.KeyTypeRange})
	}
	if _, err := d.Client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: attrs,
		KeySchema:            keys,
	}); err != nil {
		t.Fatalf("creating table %s: %v", name, err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		out, err := d.Client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if out.Table.TableStatus == types.TableStatusActive {
			return name
		}
		if time.Now().After(deadline) {
			t.Fatalf("table %s still %s", name, out.Table.TableStatus)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
