// Command releasezip checks a release zip for scripts/release-snapshot.sh, so the script
// needs no python3 or unzip: the zip must hold exactly one file, the provider binary.
//
//	releasezip -want terraform-provider-graph_v1.2.3 [-extract DIR] dist/x.zip
//
// It prints the binary's uncompressed size in bytes; with -extract it also writes the
// binary into DIR, executable.
package main

import (
	"archive/zip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "releasezip:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("releasezip", flag.ContinueOnError)
	fs.SetOutput(stderr)
	want := fs.String("want", "", "the one file `name` the zip must hold")
	extract := fs.String("extract", "", "if set, write that file into this `directory`, executable")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *want == "" {
		return errors.New("usage: releasezip -want NAME [-extract DIR] FILE.zip")
	}
	path := fs.Arg(0)
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	names := make([]string, 0, len(zr.File))
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if len(zr.File) != 1 || zr.File[0].Name != *want {
		return fmt.Errorf("%s holds [%s], want only %s", path, strings.Join(names, ", "), *want)
	}
	f := zr.File[0]
	if *extract != "" {
		if err := extractTo(f, filepath.Join(*extract, filepath.Base(f.Name))); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	fmt.Fprintln(stdout, f.UncompressedSize64)
	return nil
}

// extractTo writes f to dst. Reading to the end makes archive/zip check the CRC-32, so a
// damaged zip fails here rather than as a broken binary.
func extractTo(f *zip.File, dst string) (err error) {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, rc) //nolint:gosec // a release binary of known size, made by our own build
	return err
}
