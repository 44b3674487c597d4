package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"switchboard/domain"
	"switchboard/exchange"
	"switchboard/store"
)

func init() {
	addCommand(func(g *globals) *cobra.Command {
		var strict bool
		var batch int
		cmd := &cobra.Command{
			Use:   "import FILE|-",
			Short: "Import mentions from JSON Lines",
			Long: `Import mentions from a JSON Lines file (or standard input with -), one mention
per line, e.g. an export of switchboard or of another tool:

  {"platform":"mastodon","id":"…","url":"…","kind":"mention",
   "author":{"id":"…","handle":"@ana@example.social","name":"Ana","followers":120,"verified":false},
   "text":"…","lang":"en","created_at":"2026-11-20T10:00:00Z","in_reply_to":"…",
   "tags":[],"status":"open","team":"","assignee":""}

platform, id, author.handle, text and created_at are required. Lines with
"record":"contact" (export writes them after the mentions) carry what
operators set on an author: tags, notes and links to the same person's
other handles; they are merged into the contacts. A mention
already in the store is not duplicated and keeps its operator state. Each bad
line is reported with its number and reason; the last line printed is
"imported N, duplicates M, rejected K", and the exit status is 1 when K > 0.`,
			Example: "  switchboard import mentions.jsonl\n  zcat old.jsonl.gz | switchboard import --strict -",
			Args:    cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				var in io.Reader = cmd.InOrStdin()
				if args[0] != "-" {
					f, err := os.Open(args[0])
					if err != nil {
						return err
					}
					defer f.Close()
					in = f
				}
				// the store is opened on first use, so that a rejected
				// --strict import creates no store file; without --strict
				// it is opened at once, failing before any input is read
				// when another process holds it
				var s *store.Store
				open := func() (*store.Store, error) {
					if s == nil {
						var err error
						if s, err = openStore(g); err != nil {
							return nil, err
						}
					}
					return s, nil
				}
				defer func() {
					if s != nil {
						s.Close()
					}
				}()
				if !strict {
					if _, err := open(); err != nil {
						return err
					}
				}
				r, err := importLines(open, in, cmd.ErrOrStderr(), strict, batch)
				if r.contacts > 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "contacts %d\n", r.contacts)
				}
				if err != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "imported %d, duplicates %d, rejected %d\n", r.imported, r.duplicates, r.rejected)
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "imported %d, duplicates %d, rejected %d\n", r.imported, r.duplicates, r.rejected)
				if r.rejected > 0 {
					return &exitError{code: 1}
				}
				return nil
			},
		}
		cmd.Flags().BoolVar(&strict, "strict", false, "import nothing if any line is bad")
		cmd.Flags().IntVar(&batch, "batch", 5000, "mentions per write transaction")
		cmd.Flags().MarkHidden("batch")
		return cmd
	})
}

type importResult struct{ imported, duplicates, rejected, contacts int }

// importLines reads JSON Lines and ingests valid lines in batches into the
// store that open returns (called before each batch). Bad lines are
// reported to errw; with strict, nothing is stored if any is bad, and open
// is not called.
func importLines(open func() (*store.Store, error), in io.Reader, errw io.Writer, strict bool, batchSize int) (importResult, error) {
	var res importResult
	if batchSize <= 0 {
		batchSize = 5000
	}
	var pending []domain.Mention
	var all []domain.Mention // strict: everything, stored at the end
	var contacts []store.ContactRecord
	// contact lines are merged after every mention, in one transaction
	importContacts := func() error {
		if len(contacts) == 0 {
			return nil
		}
		s, err := open()
		if err != nil {
			return err
		}
		if _, err := s.ImportContacts(contacts); err != nil {
			return fmt.Errorf("storing contacts: %w (the mentions are stored)", err)
		}
		res.contacts = len(contacts)
		return nil
	}
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		s, err := open()
		if err != nil {
			return err
		}
		r, err := s.Ingest(pending)
		if err != nil {
			return fmt.Errorf("storing mentions: %w (the %d lines before this batch are stored)", err, res.imported+res.duplicates)
		}
		res.imported += r.New
		res.duplicates += r.Duplicates
		pending = pending[:0]
		return nil
	}
	br := bufio.NewReaderSize(in, 64<<10)
	for lineNo := 1; ; lineNo++ {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) && line == nil {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, exchange.ErrLineTooLong) {
			return res, fmt.Errorf("reading line %d: %w", lineNo, err)
		}
		if errors.Is(err, exchange.ErrLineTooLong) {
			fmt.Fprintf(errw, "line %d: %v\n", lineNo, err)
			res.rejected++
			continue
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		kind, derr := exchange.Kind(line)
		if derr == nil && kind == exchange.RecordContact {
			c, err := exchange.DecodeContact(line)
			if err != nil {
				fmt.Fprintf(errw, "line %d: %v\n", lineNo, err)
				res.rejected++
				continue
			}
			contacts = append(contacts, store.ContactRecord{Platform: c.Platform, Handle: c.Handle, Tags: c.Tags, Notes: c.Notes, Link: c.Link})
			continue
		}
		var m domain.Mention
		if derr == nil {
			m, derr = exchange.Decode(line)
		}
		if derr == nil {
			derr = store.Validate(&m)
		}
		if derr != nil {
			fmt.Fprintf(errw, "line %d: %v\n", lineNo, derr)
			res.rejected++
			continue
		}
		if strict {
			all = append(all, m)
			continue
		}
		pending = append(pending, m)
		if len(pending) >= batchSize {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if strict {
		if res.rejected > 0 {
			fmt.Fprintf(errw, "--strict: nothing imported because %d lines are bad\n", res.rejected)
			return res, nil
		}
		for len(all) > 0 {
			n := min(batchSize, len(all))
			pending = append(pending[:0], all[:n]...)
			all = all[n:]
			if err := flush(); err != nil {
				return res, err
			}
		}
		return res, importContacts()
	}
	if err := flush(); err != nil {
		return res, err
	}
	return res, importContacts()
}

// readLine reads one line of any length, returning ErrLineTooLong (after
// skipping the rest of it) for lines over exchange.MaxLine.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > exchange.MaxLine {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			return []byte{}, exchange.ErrLineTooLong
		}
		line = append(line, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if len(line) == 0 {
				return nil, io.EOF
			}
			return line, nil
		}
		return line, err
	}
}
