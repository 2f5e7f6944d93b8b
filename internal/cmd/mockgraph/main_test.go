package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	cases := map[string]bool{
		"127.0.0.1:0":    true,
		"127.0.0.2:8080": true,
		"[::1]:0":        true,
		"localhost:0":    true,
		":8080":          false, // all interfaces
		"0.0.0.0:0":      false,
		"192.168.1.5:80": false,
		"example.com:80": false,
		"127.0.0.1":      false, // no port
	}
	for addr, ok := range cases {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
}

// syncBuffer is written by the server's goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunServesUntilCancelled(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-url-file", urlFile, "-token", "demo", "-page-size", "5", "-budget", "2", "-budget-window", "1h"}, &out, io.Discard)
	}()

	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if b, err := os.ReadFile(urlFile); err == nil {
			base = strings.TrimSpace(string(b))
		} else if time.Now().After(deadline) {
			t.Fatalf("url file never appeared; output: %s", out.String())
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("url file holds %q", base)
	}
	if !strings.Contains(out.String(), "mockgraph listening on "+base+"\n") {
		t.Errorf("stdout %q lacks the listening line", out.String())
	}

	get := func(token string) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/beta/me/profile/certifications", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get("demo"); got != http.StatusOK {
		t.Errorf("GET with -token: %d, want 200", got)
	}
	if got := get("other"); got != http.StatusUnauthorized {
		t.Errorf("GET with another token: %d, want 401", got)
	}
	if got, then := get("demo"), get("demo"); got != http.StatusOK || then != http.StatusTooManyRequests {
		t.Errorf("-budget 2: the 2nd and 3rd counted GETs answered %d and %d, want 200 and 429", got, then)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Error("server still answering after shutdown")
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-listen", "0.0.0.0:0"},
		{"-listen", ":0"},
		{"-page-size", "0"},
		{"-chaos-rate", "1.5"},
		{"-chaos-kinds", "throttle,bogus"},
		{"-budget", "-1"},
		{"-budget", "5", "-budget-window", "0s"},
		{"extra"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
	err := run(context.Background(), []string{"-listen", "0.0.0.0:0"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("non-loopback error %v should say loopback", err)
	}
}
