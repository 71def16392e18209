// Command loadtest measures the sync service as tablets meet it: the real
// uppsok binary, started as its own process on loopback, with a fresh data
// dir. It prints one "key value" line per figure for scripts/bench.sh:
//
//   - tablets: N enrolled tablets that each push P contacts and then make a
//     first pull, all at the same moment; latency p50/p99 per tablet, errors,
//     and the server process's peak RSS (VmHWM) during the burst; with
//     --rounds R, R bursts each on a fresh server, every round's figures
//     and their medians (the largest RSS, all errors);
//   - first-pull bytes per contact, plain and gzip-compressed;
//   - the extra RSS of a first pull of a large field window (streaming).
//
// Every loop is bounded in count and every request has a timeout.
//
//	go build -o /tmp/uppsok . && go run ./tools/loadtest --bin /tmp/uppsok
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Defaults of the run (bench.sh may override them by flag).
const (
	DefaultTablets        = 200
	DefaultPerTablet      = 50
	DefaultPullContacts   = 20000
	DefaultStreamContacts = 100000
	pushChunk             = 500
	requestTimeout        = 5 * time.Minute
)

// schema is the schema_version of every request (--schema).
var schema = 3

func main() {
	bin := flag.String("bin", "", "path of a built uppsok binary (required)")
	tablets := flag.Int("tablets", DefaultTablets, "tablets in the burst")
	per := flag.Int("per", DefaultPerTablet, "contacts each tablet pushes in the burst")
	pullN := flag.Int("pull-contacts", DefaultPullContacts, "field window of the bytes-per-contact pull")
	streamN := flag.Int("stream-contacts", DefaultStreamContacts, "field window of the streaming pull (0 skips it)")
	keep := flag.Bool("keep", false, "keep the data dir")
	weak := flag.Bool("weak-link", true, "time the field app's first sync of the pull-contacts window in Chromium at 1.6 Mbit/s, 150 ms (needs node and chromium)")
	hooks := flag.String("hooks", "pb_hooks", "the JS hooks directory the server loads, as in production")
	flag.IntVar(&schema, "schema", schema, "the schema_version the tablets speak (3: this release's field app; 2: an older tablet, whose legacy columns the server maps)")
	rounds := flag.Int("rounds", 1, "bursts, each on a fresh server; the figures are each round's and their median")
	profile := flag.String("burst-profile", "", "write a CPU profile of the server during the burst to this file (the server is restarted around the burst)")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "loadtest: --bin is required")
		os.Exit(2)
	}
	if abs, err := filepath.Abs(*hooks); err == nil {
		os.Setenv("UPPSOK_HOOKS_DIR", abs)
	}
	if err := run(*bin, *tablets, *per, *rounds, *pullN, *streamN, *keep, *weak, *profile); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(bin string, tablets, per, rounds, pullN, streamN int, keep, weak bool, profile string) error {
	// The burst, on a fresh server each round; the last round's server
	// stays for the rest.
	var (
		res []roundResult
		srv *server
		c   *client
		su  string
		tm  []string
	)
	var dirs []string
	defer func() {
		if srv != nil {
			srv.stop()
		}
		if !keep {
			for _, d := range dirs {
				os.RemoveAll(d) // after the server that used it stopped
			}
		}
	}()
	for r := 1; r <= max(1, rounds); r++ {
		if srv != nil {
			srv.stop()
		}
		dir, err := os.MkdirTemp("", "uppsok-load-")
		if err != nil {
			return err
		}
		dirs = append(dirs, dir)
		prof := profile
		if r > 1 {
			prof = "" // the first round's burst only
		}
		var rr roundResult
		srv, c, su, tm, rr, err = round(bin, dir, tablets, per, prof)
		if err != nil {
			return fmt.Errorf("round %d: %w", r, err)
		}
		res = append(res, rr)
	}
	report(tablets, res)
	teams := tm

	// Bytes per contact of a first sync, on a team of its own.
	if err := c.rateLimits(su, false); err != nil {
		return err
	}
	solo, err := c.enroll(su, teams[len(teams)-1], "Mätning")
	if err != nil {
		return err
	}
	have := c.windowSize(solo)
	if err := c.fill(solo, pullN-have); err != nil {
		return err
	}
	plain, n, err := c.pullBytes(solo, "identity")
	if err != nil {
		return err
	}
	if f := os.Getenv("LOADTEST_SAVE_PULL"); f != "" {
		_, data, _ := c.do("GET", "/api/field/sync?last_pulled_at=0&schema_version="+strconv.Itoa(schema), solo, nil, map[string]string{"Accept-Encoding": "identity"}, nil)
		os.WriteFile(f, data, 0o644)
	}
	packed, _, err := c.pullBytes(solo, "gzip")
	if err != nil {
		return err
	}
	fmt.Printf("pull-contacts %d\n", n)
	fmt.Printf("pull-bytes-per-contact-plain %.0f\n", float64(plain)/float64(n))
	fmt.Printf("pull-bytes-per-contact-gzip %.0f\n", float64(packed)/float64(n))

	if weak {
		secs, got, err := c.weakLink(su, teams[len(teams)-1], n)
		if err != nil {
			return fmt.Errorf("weak link: %w", err)
		}
		fmt.Printf("weak-link-contacts %d\n", got)
		fmt.Printf("weak-link-seconds %.1f\n", secs)
	}

	if streamN > 0 {
		if err := c.fill(solo, streamN-n); err != nil {
			return err
		}
		before, err := srv.status("VmRSS")
		if err != nil {
			return err
		}
		if err := srv.resetPeak(); err != nil {
			return err
		}
		_, m, err := c.pullBytes(solo, "gzip")
		if err != nil {
			return err
		}
		after, err := srv.status("VmHWM")
		if err != nil {
			return err
		}
		fmt.Printf("stream-contacts %d\n", m)
		fmt.Printf("stream-extra-rss-mib %.0f\n", float64(after-before)/1024)
	}
	return nil
}

// roundResult is one burst's figures.
type roundResult struct {
	errors               int
	lat, push, pull      []time.Duration
	peakKiB              int64
	wall                 time.Duration
	serverCPU, clientCPU time.Duration
}

// round starts the binary on a fresh data dir under dir, enrolls the
// tablets and runs one burst. It returns the server, still running, with
// the client, the superuser token and the teams for the rest of the run.
func round(bin, dir string, tablets, per int, profile string) (srv *server, c *client, su string, teams []string, rr roundResult, err error) {
	srv, err = start(bin, filepath.Join(dir, "pb_data"), "")
	if err != nil {
		return nil, nil, "", nil, rr, err
	}
	fail := func(err error) (*server, *client, string, []string, roundResult, error) {
		if srv != nil {
			srv.stop()
		}
		return nil, nil, "", nil, roundResult{}, err
	}
	c = &client{base: srv.base, http: &http.Client{Timeout: requestTimeout, Transport: &http.Transport{
		MaxIdleConnsPerHost: tablets + 8, DisableCompression: true}}}

	su, err = c.superuser(filepath.Join(dir, "pb_data"), bin)
	if err != nil {
		return fail(err)
	}
	teams, err = c.teams(su)
	if err != nil {
		return fail(err)
	}
	// Enrollment is rate-limited at 10 a minute per address; the setup
	// turns the limits off, the measured burst runs with them on.
	if err := c.rateLimits(su, false); err != nil {
		return fail(err)
	}
	toks := make([]string, tablets)
	for i := range toks {
		if toks[i], err = c.enroll(su, teams[i%len(teams)], fmt.Sprintf("Lasttest %d", i+1)); err != nil {
			return fail(fmt.Errorf("enroll tablet %d: %w", i+1, err))
		}
	}
	if err := c.rateLimits(su, true); err != nil {
		return fail(err)
	}

	// The burst. With a profile asked for, the server is restarted so
	// that the profile holds the burst only (not the enrollments' bcrypt).
	if profile != "" {
		if srv, err = srv.restart(bin, profile); err != nil {
			return fail(err)
		}
		c.base = srv.base
	}
	if err := srv.resetPeak(); err != nil {
		return fail(err)
	}
	// Every push body is made before the burst, so that the clock and the
	// CPU figures hold the burst's requests only.
	bodies := make([][]byte, len(toks))
	for i := range bodies {
		bodies[i] = pushBody(per)
	}
	cpu0, err := srv.cpuTime()
	if err != nil {
		return fail(err)
	}
	self0, t0 := selfCPU(), time.Now()
	lat, pushLat, pullLat, errs, check := burst(c, toks, bodies)
	wall := time.Since(t0)
	cpu1, err := srv.cpuTime()
	if err != nil {
		return fail(err)
	}
	self1 := selfCPU()
	errs += check()
	peak, err := srv.status("VmHWM")
	if err != nil {
		return fail(err)
	}
	rr = roundResult{errors: errs, lat: lat, push: pushLat, pull: pullLat, peakKiB: peak,
		wall: wall, serverCPU: cpu1 - cpu0, clientCPU: self1 - self0}
	if profile != "" {
		if srv, err = srv.restart(bin, ""); err != nil {
			return fail(err)
		}
		c.base = srv.base
	}
	return srv, c, su, teams, rr, nil
}

// report prints the burst's figures: each round's, then the median over
// the rounds of each latency figure and of the wall and CPU times, the
// largest peak RSS and the errors of all rounds. One round's p99 is the
// second slowest of 200 tablets and moves by a tenth or more from run to
// run on a shared machine: the median of a few fresh rounds is the figure
// to compare.
func report(tablets int, res []roundResult) {
	fmt.Printf("tablets %d\n", tablets)
	fmt.Printf("tablets-schema %d\n", schema)
	fmt.Printf("tablets-rounds %d\n", len(res))
	var (
		errs                                                       int
		peak                                                       int64
		p50, p99, push50, push99, pull50, pull99, wall, scpu, ccpu []time.Duration
	)
	for i, r := range res {
		errs += r.errors
		peak = max(peak, r.peakKiB)
		p50 = append(p50, quantile(r.lat, 50))
		p99 = append(p99, quantile(r.lat, 99))
		push50 = append(push50, quantile(r.push, 50))
		push99 = append(push99, quantile(r.push, 99))
		pull50 = append(pull50, quantile(r.pull, 50))
		pull99 = append(pull99, quantile(r.pull, 99))
		wall = append(wall, r.wall)
		scpu = append(scpu, r.serverCPU)
		ccpu = append(ccpu, r.clientCPU)
		fmt.Printf("tablets-round-%d p50-ms %d p99-ms %d errors %d peak-rss-mib %.0f wall-ms %d server-cpu-ms %d\n", i+1,
			p50[i].Milliseconds(), p99[i].Milliseconds(), r.errors, float64(r.peakKiB)/1024, r.wall.Milliseconds(), r.serverCPU.Milliseconds())
	}
	fmt.Printf("tablets-errors %d\n", errs)
	fmt.Printf("tablets-p50-ms %d\n", median(p50).Milliseconds())
	fmt.Printf("tablets-p99-ms %d\n", median(p99).Milliseconds())
	fmt.Printf("tablets-push-p50-ms %d\n", median(push50).Milliseconds())
	fmt.Printf("tablets-push-p99-ms %d\n", median(push99).Milliseconds())
	fmt.Printf("tablets-pull-p50-ms %d\n", median(pull50).Milliseconds())
	fmt.Printf("tablets-pull-p99-ms %d\n", median(pull99).Milliseconds())
	fmt.Printf("tablets-peak-rss-mib %.0f\n", float64(peak)/1024)
	// Where the burst's time goes: on this machine the server and the
	// simulated tablets share the cores.
	fmt.Printf("tablets-wall-ms %d\n", median(wall).Milliseconds())
	fmt.Printf("tablets-server-cpu-ms %d\n", median(scpu).Milliseconds())
	fmt.Printf("tablets-client-cpu-ms %d\n", median(ccpu).Milliseconds())
}

// quantile is the q-th percentile of lat (sorting it).
func quantile(lat []time.Duration, q int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[(len(lat)*q)/100]
}

// median is the median of d (of an even count, the higher of the middle
// two: never the better figure).
func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// burst makes every tablet push its body and then pull, all released at
// once; it returns each tablet's time for both, the push part and the pull
// part of each, the number that failed, and check, which checks the pulls
// and returns the number of tablets whose pull was wrong. The simulated tablets run on
// the server's own two cores, so while the clock runs a tablet only sends
// and reads bytes: checking its pull (unpacking it, decoding the JSON,
// finding its own contacts in it) is done after the burst, as a tablet's
// own CPU would.
func burst(c *client, toks []string, bodies [][]byte) (lat, pushLat, pullLat []time.Duration, errs int, check func() int) {
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	type tablet struct {
		push, pull []byte
	}
	var done []tablet
	// Every tablet waits at the gate until all are ready.
	gate := make(chan struct{})
	var ready sync.WaitGroup
	for i, tok := range toks {
		wg.Add(1)
		ready.Add(1)
		go func(tok string, body []byte) {
			defer wg.Done()
			ready.Done()
			<-gate
			t0 := time.Now()
			err := c.push(tok, body)
			t1 := time.Now()
			var pulled []byte
			if err == nil {
				_, pulled, err = c.do("GET", "/api/field/sync?last_pulled_at=0&schema_version="+strconv.Itoa(schema), tok, nil,
					map[string]string{"Accept-Encoding": "gzip"}, nil)
			}
			t2 := time.Now()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs++
				fmt.Fprintln(os.Stderr, "tablet:", err)
				return
			}
			lat = append(lat, t2.Sub(t0))
			pushLat = append(pushLat, t1.Sub(t0))
			pullLat = append(pullLat, t2.Sub(t1))
			done = append(done, tablet{push: body, pull: pulled})
		}(tok, bodies[i])
	}
	ready.Wait()
	close(gate)
	wg.Wait()
	return lat, pushLat, pullLat, errs, func() (failed int) {
		for _, t := range done {
			if err := pulledOwn(t.push, t.pull); err != nil {
				failed++
				fmt.Fprintln(os.Stderr, "tablet:", err)
			}
		}
		return failed
	}
}

// pulledOwn checks a burst tablet's pull (gzip-compressed, or plain when
// the server sent it so): it is a pull reply that holds every contact the
// tablet pushed just before.
func pulledOwn(pushed, pulled []byte) error {
	var push struct {
		Changes struct {
			Contacts struct {
				Created []struct {
					ID string `json:"id"`
				} `json:"created"`
			} `json:"contacts"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(pushed, &push); err != nil {
		return fmt.Errorf("read own push: %w", err)
	}
	data := pulled
	if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
		var err error
		if data, err = gunzip(data); err != nil {
			return fmt.Errorf("unpack pull: %w", err)
		}
	}
	var pull struct {
		Changes map[string]struct {
			Created []struct {
				ID string `json:"id"`
			} `json:"created"`
			Updated []struct {
				ID string `json:"id"`
			} `json:"updated"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(data, &pull); err != nil {
		return fmt.Errorf("decode pull: %w", err)
	}
	have := map[string]bool{}
	for _, r := range pull.Changes["contacts"].Created {
		have[r.ID] = true
	}
	for _, r := range pull.Changes["contacts"].Updated {
		have[r.ID] = true
	}
	for _, r := range push.Changes.Contacts.Created {
		if !have[r.ID] {
			return fmt.Errorf("pull lacks the tablet's own contact %s", r.ID)
		}
	}
	return nil
}

// server is the uppsok process under test.
type server struct {
	cmd     *exec.Cmd
	base    string
	dataDir string
}

// restart stops the server and starts it again on the same data dir,
// writing a CPU profile to profile when it is not "".
func (s *server) restart(bin, profile string) (*server, error) {
	s.stop()
	return start(bin, s.dataDir, profile)
}

func start(bin, dataDir, profile string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--http", addr, "--dir", dataDir)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	cmd.Env = append(os.Environ(), "UPPSOK_CPU_PROFILE="+profile)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, dataDir: dataDir}
	for i := 0; i < 600; i++ { // at most a minute
		res, err := http.Get(s.base + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.stop()
	return nil, errors.New("the server did not answer /api/health within a minute")
}

func (s *server) stop() {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
		}
	}
}

// resetPeak resets the process's peak RSS (Linux: clear_refs 5).
func (s *server) resetPeak() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0)
}

// cpuTime reads the server process's CPU time (user and system) from
// /proc/PID/stat.
func (s *server) cpuTime() (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name (which may hold spaces) in
	// parentheses; utime and stime are fields 14 and 15, in clock ticks
	// (100 a second on Linux).
	rest := string(data)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc stat: %q", data)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc stat: %q", data)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// selfCPU is the load test's own CPU time so far (user and system).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// status reads a kB figure of /proc/PID/status.
func (s *server) status(key string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			return strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("%s not in /proc status", key)
}

// client speaks the service's HTTP API.
type client struct {
	base string
	http *http.Client
}

func (c *client) do(method, path, token string, body any, hdr map[string]string, out any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		switch b := body.(type) {
		case []byte:
			r = bytes.NewReader(b)
		default:
			data, err := json.Marshal(b)
			if err != nil {
				return 0, nil, err
			}
			r = bytes.NewReader(data)
		}
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, nil, err
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, data, fmt.Errorf("%s %s: %d %.200s", method, path, res.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return res.StatusCode, data, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return res.StatusCode, data, nil
}

func (c *client) superuser(dataDir, bin string) (string, error) {
	const email, pass = "last@example.se", "ett-langt-losenord-for-lasttest"
	out, err := exec.Command(bin, "superuser", "upsert", email, pass, "--dir", dataDir).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("superuser upsert: %v: %s", err, out)
	}
	var auth struct {
		Token string `json:"token"`
	}
	_, _, err = c.do("POST", "/api/collections/_superusers/auth-with-password", "",
		map[string]string{"identity": email, "password": pass}, nil, &auth)
	return auth.Token, err
}

func (c *client) teams(su string) ([]string, error) {
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if _, _, err := c.do("GET", "/api/collections/teams/records?perPage=100&sort=code", su, nil, nil, &list); err != nil {
		return nil, err
	}
	if len(list.Items) == 0 {
		return nil, errors.New("no teams")
	}
	ids := make([]string, len(list.Items))
	for i, t := range list.Items {
		ids[i] = t.ID
	}
	return ids, nil
}

func (c *client) rateLimits(su string, on bool) error {
	_, _, err := c.do("PATCH", "/api/settings", su, map[string]any{"rateLimits": map[string]any{"enabled": on}}, nil, nil)
	return err
}

func (c *client) enroll(su, team, label string) (string, error) {
	var en struct {
		Code string `json:"code"`
	}
	if _, _, err := c.do("POST", "/api/field/enrollments", su, map[string]string{"team_id": team, "label": label}, nil, &en); err != nil {
		return "", err
	}
	var dev struct {
		Token string `json:"token"`
	}
	_, _, err := c.do("POST", "/api/field/enroll", "", map[string]string{"code": en.Code}, nil, &dev)
	return dev.Token, err
}

// weakLink enrolls a browser tablet for team and times the field app's
// first sync of its window of n contacts over an emulated weak link.
func (c *client) weakLink(su, team string, n int) (float64, int, error) {
	var en struct {
		Code string `json:"code"`
	}
	if _, _, err := c.do("POST", "/api/field/enrollments", su, map[string]string{"team_id": team, "label": "Svag länk"}, nil, &en); err != nil {
		return 0, 0, err
	}
	cmd := exec.Command("node", "tools/browser/weak_link.mjs", c.base, en.Code, strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, err
	}
	var res struct {
		Seconds  float64 `json:"seconds"`
		Contacts int     `json:"contacts"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &res); err != nil {
		return 0, 0, fmt.Errorf("weak_link.mjs said %q: %w", out, err)
	}
	return res.Seconds, res.Contacts, nil
}

// windowSize is how many contacts a first sync of tok holds now.
func (c *client) windowSize(tok string) int {
	_, n, err := c.pullBytes(tok, "identity")
	if err != nil {
		return 0
	}
	return n
}

// fill pushes n more contacts for tok's team, in chunks.
func (c *client) fill(tok string, n int) error {
	for n > 0 {
		k := min(n, pushChunk)
		if err := c.push(tok, pushBody(k)); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

func (c *client) push(tok string, body []byte) error {
	_, _, err := c.do("POST", "/api/field/sync?schema_version="+strconv.Itoa(schema), tok, body,
		map[string]string{"Idempotency-Key": uuid4()}, nil)
	return err
}

// pullBytes makes a first pull with the given Accept-Encoding and returns
// the bytes on the wire and the number of contacts in it.
func (c *client) pullBytes(tok, encoding string) (int, int, error) {
	_, data, err := c.do("GET", "/api/field/sync?last_pulled_at=0&schema_version="+strconv.Itoa(schema), tok, nil,
		map[string]string{"Accept-Encoding": encoding}, nil)
	if err != nil {
		return 0, 0, err
	}
	wire := len(data)
	if encoding == "gzip" && len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
		if data, err = gunzip(data); err != nil {
			return 0, 0, err
		}
	}
	var pull struct {
		Changes map[string]struct {
			Updated []json.RawMessage `json:"updated"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(data, &pull); err != nil {
		return 0, 0, fmt.Errorf("decode pull: %w", err)
	}
	return wire, len(pull.Changes["contacts"].Updated), nil
}

// pushBody is a push of n realistic contacts within the field window.
func pushBody(n int) []byte {
	created := make([]map[string]any, n)
	today := time.Now()
	for i := range created {
		day := today.AddDate(0, 0, -int(randByte()%25)).Format(time.DateOnly)
		created[i] = map[string]any{
			"id": uuid4(), "occurred_on": day, "daypart": pick("day", "evening", "night"),
			"channel": pick("street", "online"), "area": pick("norrmalm", "sodermalm", "kungsholmen"),
			"arena": pick("street", "hotel", "apartment"), "platforms": `[]`,
			"role": pick("sells_sex", "buys_sex", "at_risk"), "age_band": pick("18_20", "21_25", "26_35", "36_50"),
			"gender": pick("woman", "man"), "origin_region": pick("sweden", "eu_eea", "africa"),
			"language":   pick("sv", "ro", "en"),
			"assessment": pick("none", "indicators"), "purposes": `[]`,
			"actions": `["information","info_card"]`, "cards_given": 1,
			"notes": pick("", "Samtal vid busshållplatsen, fick kort.", "Tackade nej till stöd i kväll."),
		}
		if schema >= 3 {
			created[i]["interpreting"] = pick("none", "none", "professional")
			created[i]["control"] = pick(`[]`, `["debt"]`, `["debt","threats"]`)
			created[i]["vulnerabilities"] = pick(`[]`, `["homeless"]`)
			created[i]["risk_groups"] = `[]`
			created[i]["compensation"] = pick(`["money"]`, `["money"]`, `["place_to_sleep"]`)
		} else {
			created[i]["interpreter"] = false
			created[i]["indicators"] = `["debt"]`
		}
	}
	data, _ := json.Marshal(map[string]any{
		"changes":        map[string]any{"contacts": map[string]any{"created": created, "updated": []any{}, "deleted": []any{}}},
		"last_pulled_at": 1,
	})
	return data
}

func pick(opts ...string) string { return opts[int(randByte())%len(opts)] }

func randByte() byte {
	var b [1]byte
	rand.Read(b[:])
	return b[0]
}

func uuid4() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
