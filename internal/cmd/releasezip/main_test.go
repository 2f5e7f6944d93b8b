package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeZip makes a zip holding files (name -> content), in the order given.
func writeZip(t *testing.T, files ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "release.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, files[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReleaseZipPrintsSizeAndExtracts(t *testing.T) {
	const bin = "terraform-provider-graph_v1.2.3"
	zipPath := writeZip(t, bin, "#!/bin/sh\necho 1.2.3\n")
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-want", bin, "-extract", dir, zipPath}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != "21" {
		t.Errorf("printed %q, want the uncompressed size 21", got)
	}
	b, err := os.ReadFile(filepath.Join(dir, bin))
	if err != nil || string(b) != "#!/bin/sh\necho 1.2.3\n" {
		t.Fatalf("extracted %q (%v)", b, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, bin)); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("extracted binary is not executable: %v %v", fi.Mode(), err)
	}
}

func TestReleaseZipRefusesOtherContents(t *testing.T) {
	const bin = "terraform-provider-graph_v1.2.3"
	cases := map[string]struct {
		zip  string
		want string // in the error
	}{
		"extra file": {writeZip(t, bin, "x", "README.md", "y"), "holds [" + bin + ", README.md], want only " + bin},
		"wrong name": {writeZip(t, "terraform-provider-graph", "x"), "holds [terraform-provider-graph], want only " + bin},
		"empty":      {writeZip(t), "holds [], want only " + bin},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			err := run([]string{"-want", bin, "-extract", dir, c.zip}, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a refused zip was extracted: %v", entries)
			}
		})
	}

	notZip := filepath.Join(t.TempDir(), "x.zip")
	if err := os.WriteFile(notZip, []byte("not a zip"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-want", bin, notZip}, io.Discard, io.Discard); err == nil {
		t.Error("a file that is not a zip was accepted")
	}
	if err := run([]string{notZip}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("no -want: %v, want the usage", err)
	}
}
