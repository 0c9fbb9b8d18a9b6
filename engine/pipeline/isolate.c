/* SPDX-License-Identifier: Apache-2.0 */
/*
 * isolate.c - every byte of a forsendelse is parsed in a bounded child process.
 *
 * The engine (the state holder: spool, ledger, signing key) forks a child per entry. The
 * child drops what it may do before it reads the entry:
 *   - RLIMIT_DATA (heap and anonymous memory), RLIMIT_CPU, RLIMIT_FSIZE 0, RLIMIT_CORE 0;
 *   - every inherited descriptor but its report pipe (and stdin/stdout/stderr) is closed;
 *   - a seccomp filter refuses (EPERM) opening files for writing, creating, renaming,
 *     removing or changing files, sockets, exec, new processes and signals to others.
 * It verifies the entry (verify.c) and writes one JSON line per phase to the pipe (wire.c);
 * its log lines go the same way and the engine logs them. A key on a PKCS#11 token stays
 * with the engine: the child asks for its key transport over the same pipe (unwrap.c). The
 * child also reports the DER of the certificates it decoded; for a letter it accepted, the
 * engine keeps them decoded (crypto/certcache.c), so the next children inherit them.
 * The engine reads with a wall-clock
 * limit and a size cap, then reaps the child. A child that dies, exceeds a limit or reports
 * nonsense costs that entry (`resource-limit`), never the run. This is the separation
 * Postfix and OpenSSH make between the parser and the state holder; the child still holds
 * the decryption key (it decrypts), but never the spool or the ledger.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <seccomp.h>
#include "pipeline.h"

#define REPORT_FD 3
#define REPLY_FD 4 /* the engine's answers to key transport requests (unwrap.c), when used */
#define REPORT_CAP (4u << 20) /* bytes the engine reads from one child */
#define LOG_LINES_MAX 64

#if defined(__SANITIZE_ADDRESS__)
#define MEMORY_LIMIT_WORKS 0 /* ASan reserves terabytes of shadow: no RLIMIT_DATA under it */
#else
#define MEMORY_LIMIT_WORKS 1
#endif

/* ---- the child -------------------------------------------------------------------------- */

/* Plain writes: the child has no fault points (they belong to the engine's own I/O). */
static void write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(REPORT_FD, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(124);
        buf += n;
        len -= (size_t)n;
    }
}

static void send_line(json_t *o)
{
    char *line = json_dumps(o, JSON_COMPACT);

    if (line) {
        write_all(line, strlen(line));
        write_all("\n", 1);
    }
    free(line);
}

static void child_log(enum log_level level, const char *func, const char *text, void *ctx)
{
    int *lines = ctx;
    json_t *o;

    if (++*lines > LOG_LINES_MAX)
        return;
    o = json_pack("{s:{s:i, s:s, s:s}}", "log", "level", (int)level, "func", func, "text", text);
    send_line(o);
    json_decref(o);
}

static int set_limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = {soft, hard};

    return setrlimit(resource, &rl);
}

static int apply_limits(const struct isolate_limits *lim)
{
    rlim_t cpu = (rlim_t)lim->cpu_seconds;
    int rc = 0;

    rc |= set_limit(RLIMIT_CPU, cpu, cpu + 2);
    rc |= set_limit(RLIMIT_FSIZE, 0, 0);
    rc |= set_limit(RLIMIT_CORE, 0, 0);
    if (MEMORY_LIMIT_WORKS)
        rc |= set_limit(RLIMIT_DATA, lim->memory, lim->memory);
    return rc;
}

/* Syscalls the child never needs: a parser that is taken over still cannot use them. */
static const int denied[] = {
    SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(kill),
    SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen),
    SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(ptrace), SCMP_SYS(mount), SCMP_SYS(umount2),
    SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename), SCMP_SYS(renameat),
    SCMP_SYS(renameat2), SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rmdir), SCMP_SYS(link),
    SCMP_SYS(linkat), SCMP_SYS(symlink), SCMP_SYS(symlinkat), SCMP_SYS(truncate),
    SCMP_SYS(ftruncate), SCMP_SYS(chmod), SCMP_SYS(fchmod), SCMP_SYS(fchmodat), SCMP_SYS(chown),
    SCMP_SYS(fchown), SCMP_SYS(fchownat), SCMP_SYS(lchown), SCMP_SYS(utimensat),
    SCMP_SYS(setxattr), SCMP_SYS(fsetxattr), SCMP_SYS(lsetxattr), SCMP_SYS(creat),
    SCMP_SYS(openat2), SCMP_SYS(memfd_create), SCMP_SYS(setrlimit), SCMP_SYS(prlimit64),
};

/* open/openat for writing or creating: refused; for reading: allowed. */
static int deny_open_for_write(scmp_filter_ctx f)
{
    static const unsigned flags[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND};
    size_t i;
    int rc = 0;

    for (i = 0; i < G_N_ELEMENTS(flags); i++) {
        rc |= seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(open), 1,
                               SCMP_A1(SCMP_CMP_MASKED_EQ, flags[i], flags[i]));
        rc |= seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(openat), 1,
                               SCMP_A2(SCMP_CMP_MASKED_EQ, flags[i], flags[i]));
    }
    return rc;
}

static scmp_filter_ctx build_filter(void)
{
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
    size_t i;
    int rc = f ? 0 : -1;

    for (i = 0; rc == 0 && i < G_N_ELEMENTS(denied); i++)
        rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
    /* threads (CLONE_THREAD) are fine, a new process is not; clone3 falls back to clone */
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    if (rc == 0)
        rc = deny_open_for_write(f);
    if (rc < 0 && f) {
        seccomp_release(f);
        f = NULL;
    }
    return f;
}

/* The filter as BPF, compiled once per engine process: each child only loads it. */
static struct bytes filter_bpf;

static int compile_filter(void)
{
    scmp_filter_ctx f;
    int fd, rc = -1;
    off_t len;

    if (filter_bpf.len)
        return 0;
    if (!(f = build_filter()))
        return -1;
    fd = memfd_create("trykk-seccomp", MFD_CLOEXEC);
    if (fd >= 0 && seccomp_export_bpf(f, fd) == 0 && (len = lseek(fd, 0, SEEK_END)) > 0 &&
        len % (off_t)sizeof(struct sock_filter) == 0 && len < (1 << 20)) {
        filter_bpf.data = g_malloc((size_t)len);
        filter_bpf.len = (size_t)len;
        rc = pread(fd, filter_bpf.data, filter_bpf.len, 0) == len ? 0 : -1;
    }
    if (fd >= 0)
        close(fd);
    seccomp_release(f);
    if (rc < 0)
        bytes_free(&filter_bpf);
    return rc;
}

static int apply_seccomp(void)
{
    struct sock_fprog prog = {(unsigned short)(filter_bpf.len / sizeof(struct sock_filter)),
                              (struct sock_filter *)filter_bpf.data};

    return filter_bpf.len ? prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) : -1;
}

static int confine(const struct isolate_limits *lim, int report_fd, int reply_fd)
{
    int reply = reply_fd >= 0 ? fcntl(reply_fd, F_DUPFD_CLOEXEC, REPLY_FD + 1) : -1;

    if (compile_filter() < 0 || (reply_fd >= 0 && reply < 0))
        return -1;
    if (dup2(report_fd, REPORT_FD) < 0 || (reply >= 0 && dup2(reply, REPLY_FD) < 0) ||
        close_range(reply >= 0 ? REPLY_FD + 1 : REPORT_FD + 1, ~0U, 0) < 0)
        return -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
        return -1;
    if (apply_limits(lim) < 0)
        return -1;
    return apply_seccomp() < 0 ? -1 : 0;
}

int isolate_confine(const struct isolate_limits *lim, int report_fd)
{
    return confine(lim, report_fd, -1);
}

/*
 * A library that meets RLIMIT_DATA sees an allocation fail and reports its own error (OpenSSL
 * "cms-invalid", qpdf "pdf-invalid"), which would blame the sender for our limit. When a
 * phase failed and OpenSSL was refused memory, or the child's peak resident size came
 * within a quarter of the limit, the failure is the limit's: reported as resource-limit, the library's code kept in the detail.
 */
static void blame_the_limit(const struct isolate_limits *lim, struct verdict_info *v)
{
    struct rusage ru = {0};
    char was[sizeof v->r.detail];

    if (!MEMORY_LIMIT_WORKS || v->r.verdict != VERDICT_FAILED || getrusage(RUSAGE_SELF, &ru) < 0)
        return;
    /* RLIMIT_DATA counts address space, not resident pages: OpenSSL's own word is surer */
    if (!crypto_allocation_refused() && (size_t)ru.ru_maxrss * 1024 < lim->memory / 4 * 3)
        return;
    g_snprintf(was, sizeof was, "%s", v->r.code);
    reason_fail(&v->r, "resource-limit", "verification reached its memory limit of %zu MiB "
                "(and then failed with %s)", lim->memory >> 20, was);
}

static void send_report(const struct verdict_info *v, int phase)
{
    json_t *o = verdict_report(v, phase);

    send_line(o);
    json_decref(o);
}

/* The certificates this child decoded (certcache.c), for the engine to keep: one line, sent
 * before the phase-two report (only an accepted letter's are kept). */
static void send_certs(void)
{
    GPtrArray *noted = cert_noted();
    json_t *a = json_array();
    json_t *o;
    guint i;

    for (i = 0; noted && i < noted->len; i++) {
        const struct bytes *b = noted->pdata[i];
        char *s = b64_encode(b->data, b->len);
        json_array_append_new(a, json_string(s));
        g_free(s);
    }
    if (json_array_size(a) == 0) {
        json_decref(a);
        return;
    }
    o = json_pack("{s:o}", "certs", a);
    send_line(o);
    json_decref(o);
}

_Noreturn static void child_main(struct engine *e, const char *path, int report_fd,
                                 int reply_fd)
{
    struct verdict_info v = {0};
    int lines = 0;

    signal(SIGXFSZ, SIG_IGN); /* a write to a file fails with EFBIG instead */
    if (confine(&e->isolate, report_fd, reply_fd) < 0)
        _exit(125);
    log_set_sink(child_log, &lines);
    if (reply_fd >= 0)
        unwrap_route_child(e, send_line, REPLY_FD);
    cert_note_start();
    verify_message(e, path, &v);
    blame_the_limit(&e->isolate, &v);
    send_report(&v, 1);
    if (v.r.verdict == VERDICT_OK) {
        verify_package(e, &v);
        blame_the_limit(&e->isolate, &v);
        send_certs();
        send_report(&v, 2);
    }
    /* no clean-up: the process ends, and with it every decrypted byte */
    _exit(0);
}

/* ---- the engine's side ------------------------------------------------------------------ */

struct reader {
    int fd;
    gint64 deadline; /* monotonic, µs */
    GString *buf;
    size_t total;
    bool overflow, timeout;
};

/* Read what the child has written; false at EOF, timeout or overflow. */
static bool read_more(struct reader *rd)
{
    struct pollfd p = {rd->fd, POLLIN, 0};
    gint64 left = rd->deadline - g_get_monotonic_time();
    char chunk[65536];
    ssize_t n;
    int ready;

    if (left <= 0) {
        rd->timeout = true;
        return false;
    }
    ready = poll(&p, 1, (int)MIN(left / 1000 + 1, G_MAXINT));
    if (ready < 0)
        return errno == EINTR;
    if (ready == 0)
        return true; /* the deadline is checked again */
    n = read(rd->fd, chunk, sizeof chunk);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return false;
    rd->total += (size_t)n;
    if (rd->total > REPORT_CAP) {
        rd->overflow = true;
        return false;
    }
    g_string_append_len(rd->buf, chunk, n);
    return true;
}

/* The next complete line (the caller's), or NULL when there is none yet. */
static char *take_line(struct reader *rd)
{
    char *nl = memchr(rd->buf->str, '\n', rd->buf->len);
    char *line;

    if (!nl)
        return NULL;
    line = g_strndup(rd->buf->str, (gsize)(nl - rd->buf->str));
    g_string_erase(rd->buf, 0, (gssize)(nl - rd->buf->str) + 1);
    return line;
}

/* A log line of the child, under its letter's id: with several children at once the lines of
 * different letters interleave. */
static void relay_log(json_t *log, const char *letter_id)
{
    json_int_t level = json_integer_value(json_object_get(log, "level"));
    const char *func = json_string_value(json_object_get(log, "func"));
    const char *text = json_string_value(json_object_get(log, "text"));
    char *shown;

    if (!text || !func || level < LOG_DEBUG || level > LOG_ERROR)
        return;
    shown = g_strescape(text, NULL);
    log_letter_msg((enum log_level)level, func, letter_id, "verify: %s", shown);
    g_free(shown);
}

struct session {
    struct engine *e;
    duplicate_fn check_duplicate;
    struct decision *out;
    bool have_report, final, stopped, bad_report;
    int reply_fd, unwraps; /* key transport through the engine (unwrap.c) */
    json_t *phase_one; /* for a later duplicate check (isolate_end), when asked to keep it */
    bool keep_phase_one;
    const char *letter_id; /* for its log lines: the entry's name in active/ */
    json_t *certs;         /* the DER (base64) of the certificates the child decoded */
};

/* The child's certificates into the engine's cache (certcache.c), only when it accepted the
 * letter: its sender authenticated, every check passed. A few, each bounded in size. */
static void keep_certs(const struct session *s)
{
    size_t i;

    if (!s->certs || s->out->r.verdict != VERDICT_OK || !s->out->authenticated)
        return;
    for (i = 0; i < json_array_size(s->certs) && i < 4; i++) {
        const char *b64 = json_string_value(json_array_get(s->certs, i));
        struct bytes der = {0};
        if (b64 && strlen(b64) <= CERT_DER_MAX / 3 * 4 + 4 &&
            b64_decode_strict(b64, strlen(b64), false, &der) == 0) {
            cert_cache_put(der.data, der.len);
            bytes_free(&der);
        }
    }
}

/* One line from the child: a log line, or a phase report. */
static void handle_line(struct session *s, const char *line)
{
    json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
    json_t *log = json_object_get(o, "log");
    json_t *unwrap = json_object_get(o, "unwrap");
    json_int_t phase = json_integer_value(json_object_get(o, "phase"));

    if (log) {
        relay_log(log, s->letter_id);
        json_decref(o);
        return;
    }
    if (json_is_array(json_object_get(o, "certs"))) {
        if (s->certs || s->final)
            s->bad_report = true;
        else
            s->certs = json_incref(json_object_get(o, "certs"));
        json_decref(o);
        return;
    }
    if (unwrap) {
        if (s->final || !unwrap_answer(s->e, unwrap, s->reply_fd, &s->unwraps))
            s->bad_report = true;
        json_decref(o);
        return;
    }
    if (!o || s->final || (phase != 1 && phase != 2) || (phase == 2) != s->have_report) {
        s->bad_report = true;
        json_decref(o);
        return;
    }
    if (s->keep_phase_one && phase == 1)
        s->phase_one = json_incref(o);
    decision_free(s->out);
    if (decision_parse(s->out, o) < 0) {
        s->bad_report = true;
        return;
    }
    s->have_report = true;
    s->final = phase == 2 || s->out->r.verdict != VERDICT_OK;
    if (!s->final && s->check_duplicate && s->check_duplicate(s->e, s->out))
        s->final = s->stopped = true;
}

static char *describe_status(int status, const struct reader *rd, const struct engine *e)
{
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

    if (rd->timeout)
        return g_strdup_printf("verification took longer than %d s and was stopped",
                               3 * e->isolate.cpu_seconds);
    if (rd->overflow)
        return g_strdup("the verification process reported more than its limit");
    if (sig == SIGXCPU)
        return g_strdup_printf("verification used more than %d s of CPU time",
                               e->isolate.cpu_seconds);
    if (sig)
        return g_strdup_printf("the verification process was ended by signal %d (%s); its "
                               "memory limit is %zu MiB", sig, strsignal(sig),
                               e->isolate.memory >> 20);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 125)
        return g_strdup("the verification process could not be confined");
    return g_strdup_printf("the verification process ended (status %d) without a verdict",
                           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/*
 * No final report: the entry's own fault (a bomb, a crash in a parser) as far as the engine
 * can tell. With a phase-one report the sender is known and authentic: failed, feil KLIENT.
 * Without one, there is nobody to answer: quarantine.
 */
static void limit_verdict(struct session *s, int status, const struct reader *rd)
{
    char *why = describe_status(status, rd, s->e);

    if (!s->have_report || s->bad_report) {
        decision_free(s->out);
        memset(s->out, 0, sizeof *s->out);
        s->out->docs = g_array_new(FALSE, TRUE, sizeof(struct doc_info));
        decision_set(s->out, VERDICT_QUARANTINE, "resource-limit", "%s",
                           s->bad_report ? "the verification process sent a malformed report"
                                         : why);
    } else {
        s->out->authenticated = false;
        decision_set(s->out, VERDICT_FAILED, "resource-limit", "%s", why);
    }
    g_free(why);
}

static void fork_failed(struct decision *out, int err)
{
    out->docs = g_array_new(FALSE, TRUE, sizeof(struct doc_info));
    decision_set(out, VERDICT_INTERNAL, "internal", "cannot start the verification "
                       "process: %s", g_strerror(err));
}

/* One child at work (isolate_start .. isolate_end), for a pool of them (run.c). */
struct isolate_job {
    struct session s;
    struct reader rd;
    struct decision out;
    pid_t pid;
    int fds[2], reply[2];
    bool done;
    char *letter_id;
};

/* Fork the child for the entry at path; a job that could not start is done already. */
static void start_job(struct engine *e, const char *path, struct isolate_job *j)
{
    j->fds[0] = j->fds[1] = j->reply[0] = j->reply[1] = -1;
    j->rd = (struct reader){-1, 0, NULL, 0, false, false};
    j->pid = -1;
    j->done = true;
    j->letter_id = g_path_get_basename(path);
    j->s.letter_id = j->letter_id;
    if (compile_filter() < 0) {
        fork_failed(j->s.out, EINVAL);
        return;
    }
    if (pipe2(j->fds, O_CLOEXEC) < 0) {
        fork_failed(j->s.out, errno);
        return;
    }
    if (unwrap_needed(e) && pipe2(j->reply, O_CLOEXEC) < 0) {
        close(j->fds[0]);
        close(j->fds[1]);
        fork_failed(j->s.out, errno);
        return;
    }
    fflush(NULL);
    j->pid = fork();
    if (j->pid == 0)
        child_main(e, path, j->fds[1], j->reply[0]);
    close(j->fds[1]);
    if (j->reply[0] >= 0)
        close(j->reply[0]);
    j->s.reply_fd = j->reply[1];
    if (j->pid < 0) {
        close(j->fds[0]);
        if (j->reply[1] >= 0)
            close(j->reply[1]);
        fork_failed(j->s.out, errno);
        return;
    }
    j->rd.fd = j->fds[0];
    j->rd.deadline = g_get_monotonic_time() + (gint64)e->isolate.cpu_seconds * 3 * G_USEC_PER_SEC;
    j->rd.buf = g_string_new(NULL);
    j->done = false;
}

/* The child has said all it will (or must stop): kill it if need be, reap it, and give the
 * verdict its final form. */
static void reap_job(struct isolate_job *j)
{
    struct session *s = &j->s;
    int status = 0;

    if (s->stopped || j->rd.timeout || j->rd.overflow || s->bad_report)
        kill(j->pid, SIGKILL);
    close(j->fds[0]);
    if (j->reply[1] >= 0)
        close(j->reply[1]);
    while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
        ;
    g_string_free(j->rd.buf, TRUE);
    if (!s->final || s->bad_report || (!s->stopped && status != 0))
        limit_verdict(s, status, &j->rd);
    else if (!s->stopped)
        keep_certs(s);
    json_decref(s->certs);
    s->certs = NULL;
    j->done = true;
}

/* One read's worth of the child's lines; true when the job is done. */
static bool pump_job(struct isolate_job *j)
{
    struct session *s = &j->s;
    char *line;
    bool more;

    if (j->done)
        return true;
    more = read_more(&j->rd);
    while (!s->stopped && !s->bad_report && (line = take_line(&j->rd))) {
        handle_line(s, line);
        g_free(line);
    }
    if (more && !s->stopped && !s->bad_report)
        return false;
    reap_job(j);
    return true;
}

struct isolate_job *isolate_start(struct engine *e, const char *path)
{
    struct isolate_job *j = g_new0(struct isolate_job, 1);

    j->s = (struct session){e, NULL, &j->out, false, false, false, false, -1, 0, NULL, true, NULL, NULL};
    start_job(e, path, j);
    return j;
}

int isolate_fd(const struct isolate_job *j) { return j->done ? -1 : j->rd.fd; }

gint64 isolate_deadline(const struct isolate_job *j) { return j->done ? 0 : j->rd.deadline; }

bool isolate_pump(struct isolate_job *j) { return pump_job(j); }

/*
 * isolate_end - the job's verdict into out, the job freed. The duplicate check runs here, not
 * when the phase-one report came: called in claim order, it sees every earlier letter's final
 * verdict, so W children at once decide as one would. A duplicate's verdict is made from its
 * phase-one report, as when the child is stopped after it.
 */
void isolate_end(struct isolate_job *j, duplicate_fn check_duplicate, struct decision *out)
{
    while (!pump_job(j))
        ;
    *out = j->out;
    if (j->s.phase_one && check_duplicate) {
        struct decision one = {0};
        if (decision_parse(&one, json_incref(j->s.phase_one)) == 0 &&
            one.r.verdict == VERDICT_OK && check_duplicate(j->s.e, &one)) {
            decision_free(out);
            *out = one;
        } else
            decision_free(&one);
    }
    json_decref(j->s.phase_one);
    g_free(j->letter_id);
    g_free(j);
}

void isolate_verify(struct engine *e, const char *path, duplicate_fn check_duplicate,
                    struct decision *out)
{
    struct isolate_job j = {0};

    memset(out, 0, sizeof *out);
    j.s = (struct session){e, check_duplicate, out, false, false, false, false, -1, 0, NULL,
                           false, NULL, NULL};
    start_job(e, path, &j);
    while (!pump_job(&j))
        ;
    g_free(j.letter_id);
}
