/*  zyre-peer: line-oriented JSON test peer built on the public (stable) Zyre API, used by
    tools/live-interop (agents/czyre_agent.py drives it). Build: tools/live-interop/build-driver.sh
    CURVE (--curve-public/--curve-secret) uses zyre_set_zcert from zyre's DRAFT API: it is there only
    when compiled with -DZYRE_BUILD_DRAFT_API against a libzyre that has it (build-driver.sh tries).

    Usage:
      zyre-peer [options] <name> [group]
    Options:
      --interface IFACE   zyre_set_interface (beacon interface)
      --port N            zyre_set_port (UDP beacon port)
      --evasive MS        zyre_set_evasive_timeout
      --expired MS        zyre_set_expired_timeout
      --interval MS       zyre_set_interval (beacon interval)
      --header K=V        zyre_set_header (repeatable)
      --curve-public Z85  with --curve-secret: our CURVE key pair (40 characters of Z85 each),
      --curve-secret Z85  set with zyre_set_zcert (DRAFT API): X-PUBLICKEY header, CURVE server
                          inbox, version 3 beacons carrying the public key
      --endpoint EP       zyre_set_endpoint: bind the inbox there (no beacons; for gossip)
      --gossip-bind EP    zyre_gossip_bind: serve gossip discovery there (no beacons)
      --gossip-connect EP zyre_gossip_connect: discover through that gossip server (no beacons)
      --contest GROUP     zyre_set_contest_in_group (DRAFT API): stand for leader there, repeatable
      --verbose           zyre_set_verbose (czmq's log goes to stderr)
      --features          print "curve" and "contest" if built with the DRAFT API, then exit

    stdout: one JSON object per line, flushed:
      {"type":"READY","peer":"<own uuid>","name":"<own name>"}
      {"type":"ENTER","peer":..,"name":..,"address":..,"headers":{..}}
      {"type":"JOIN"|"LEAVE"|"LEADER","peer":..,"name":..,"group":..}
      {"type":"SHOUT","peer":..,"name":..,"group":..,"hex":["<frame as hex>",..],"frames":N}
      {"type":"WHISPER","peer":..,"name":..,"hex":["<frame as hex>",..],"frames":N}
      {"type":"EXIT"|"EVASIVE"|"SILENT"|"STOP","peer":..,"name":..}
      {"type":"PEERS"|"BYGROUP","peers":[..]}              (answers peers / bygroup)
      {"type":"PEERINFO","address":..,"header":..}         (answers peerinfo)
      {"type":"ERROR","message":..}
    stdin commands (one per line):
      shout <group> <text>            one text frame
      whisper <peerid> <text>
      shoutx <group> <hex>[,<hex>]... one frame per comma-separated hex string (empty = empty frame)
      whisperx <peerid> <hex>[,<hex>]...
      join <group>
      leave <group>
      peers                           zyre_peers
      bygroup <group>                 zyre_peers_by_group
      peerinfo <peerid> [header]      zyre_peer_address, zyre_peer_header_value
      quit            (zyre_stop + zyre_destroy; also on stdin EOF / SIGINT)
*/

#include <czmq.h>
#include <unistd.h>
#include "zyre.h"

/*  Where the JSON lines go: what was stdout when the driver started (see main).  */
static FILE *json_out;

static void
json_str (FILE *out, const char *s, size_t len)
{
    fputc ('"', out);
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s [i];
        switch (c) {
            case '"':  fputs ("\\\"", out); break;
            case '\\': fputs ("\\\\", out); break;
            case '\n': fputs ("\\n", out); break;
            case '\r': fputs ("\\r", out); break;
            case '\t': fputs ("\\t", out); break;
            default:
                if (c < 0x20 || c == 0x7f)
                    fprintf (out, "\\u%04x", c);
                else
                    fputc (c, out);
        }
    }
    fputc ('"', out);
}

static void
json_kv (FILE *out, const char *key, const char *value, bool comma)
{
    if (comma)
        fputc (',', out);
    json_str (out, key, strlen (key));
    fputc (':', out);
    if (value)
        json_str (out, value, strlen (value));
    else
        fputs ("null", out);
}

static void
emit_error (const char *message)
{
    if (!json_out)
        json_out = stdout;
    fputc ('{', json_out);
    json_kv (json_out, "type", "ERROR", false);
    json_kv (json_out, "message", message, true);
    fputs ("}\n", json_out);
    fflush (json_out);
}

//  Print a list of peer ids as {"type":<type>,"peers":[..]} and destroy the list
static void
emit_peers (const char *type, zlist_t *peers)
{
    fputc ('{', json_out);
    json_kv (json_out, "type", type, false);
    fputs (",\"peers\":[", json_out);
    const char *p = peers? (const char *) zlist_first (peers): NULL;
    bool first = true;
    while (p) {
        if (!first)
            fputc (',', json_out);
        json_str (json_out, p, strlen (p));
        first = false;
        p = (const char *) zlist_next (peers);
    }
    fputs ("]}\n", json_out);
    fflush (json_out);
    zlist_destroy (&peers);
}

//  Print one event received from zyre_recv as a JSON line
static void
emit_event (zmsg_t *msg)
{
    char *type = zmsg_popstr (msg);
    char *peer = zmsg_popstr (msg);
    char *name = zmsg_popstr (msg);
    if (!type) {
        free (peer);
        free (name);
        return;
    }
    FILE *out = json_out;
    fputc ('{', out);
    json_kv (out, "type", type, false);
    json_kv (out, "peer", peer, true);
    json_kv (out, "name", name, true);

    if (streq (type, "ENTER")) {
        //  ENTER peer name [headers] address
        zhash_t *headers = NULL;
        char *address = NULL;
        if (zmsg_size (msg) >= 2) {
            zframe_t *packed = zmsg_pop (msg);
            headers = zhash_unpack (packed);
            zframe_destroy (&packed);
        }
        address = zmsg_popstr (msg);
        json_kv (out, "address", address, true);
        fputs (",\"headers\":{", out);
        if (headers) {
            bool first = true;
            const char *value = (const char *) zhash_first (headers);
            while (value) {
                json_kv (out, zhash_cursor (headers), value, !first);
                first = false;
                value = (const char *) zhash_next (headers);
            }
        }
        fputc ('}', out);
        zhash_destroy (&headers);
        free (address);
    }
    else
    if (streq (type, "JOIN") || streq (type, "LEAVE") || streq (type, "LEADER")) {
        char *group = zmsg_popstr (msg);
        json_kv (out, "group", group, true);
        free (group);
    }
    else
    if (streq (type, "SHOUT") || streq (type, "WHISPER")) {
        if (streq (type, "SHOUT")) {
            char *group = zmsg_popstr (msg);
            json_kv (out, "group", group, true);
            free (group);
        }
        size_t frames = zmsg_size (msg);
        fputs (",\"hex\":[", out);
        zframe_t *frame = zmsg_first (msg);
        bool firstf = true;
        while (frame) {
            if (!firstf) fputc (',', out);
            firstf = false;
            fputc ('"', out);
            size_t k;
            for (k = 0; k < zframe_size (frame); k++)
                fprintf (out, "%02x", zframe_data (frame) [k]);
            fputc ('"', out);
            frame = zmsg_next (msg);
        }
        fputs ("]", out);
        fprintf (out, ",\"frames\":%zu", frames);
    }
    fputs ("}\n", out);
    fflush (out);
    free (type);
    free (peer);
    free (name);
}

//  Drain all pending events without blocking
static void
drain_events (zyre_t *node, int timeout_ms)
{
    zsock_t *sock = zyre_socket (node);
    zmq_pollitem_t item = { zsock_resolve (sock), 0, ZMQ_POLLIN, 0 };
    while (zmq_poll (&item, 1, timeout_ms) > 0 && (item.revents & ZMQ_POLLIN)) {
        zmsg_t *msg = zyre_recv (node);
        if (!msg)
            break;
        emit_event (msg);
        zmsg_destroy (&msg);
    }
}

//  Handle one command line; returns false on quit
static bool
handle_command (zyre_t *node, char *line)
{
    //  Trim trailing CR/whitespace
    size_t len = strlen (line);
    while (len && (line [len - 1] == '\r' || line [len - 1] == ' ' || line [len - 1] == '\t'))
        line [--len] = 0;
    while (*line == ' ' || *line == '\t')
        line++;
    if (*line == 0)
        return true;

    char *cmd = line;
    char *rest = strchr (line, ' ');
    if (rest) {
        *rest++ = 0;
        while (*rest == ' ')
            rest++;
    }
    if (streq (cmd, "quit") || streq (cmd, "exit"))
        return false;
    else
    if (streq (cmd, "shout") || streq (cmd, "whisper")) {
        char *target = rest;
        char *text = target? strchr (target, ' '): NULL;
        if (!target || !*target) {
            emit_error ("usage: shout <group> <text> | whisper <peerid> <text>");
            return true;
        }
        if (text)
            *text++ = 0;
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, text? text: "");
        if (streq (cmd, "shout"))
            zyre_shout (node, target, &msg);
        else
            zyre_whisper (node, target, &msg);
    }
    else
    if ((streq (cmd, "shoutx") || streq (cmd, "whisperx")) && rest) {
        char *target = rest;
        char *hex = strchr (target, ' ');
        if (hex) *hex++ = 0;
        zmsg_t *msg = zmsg_new ();
        char *part = hex ? hex : (char *) "";
        while (true) {
            char *comma = strchr (part, ',');
            if (comma) *comma = 0;
            size_t n = strlen (part) / 2;
            byte *buf = (byte *) malloc (n + 1);
            size_t k;
            for (k = 0; k < n; k++) {
                unsigned int v; sscanf (part + 2 * k, "%2x", &v); buf [k] = (byte) v;
            }
            zmsg_addmem (msg, buf, n);
            free (buf);
            if (!comma) break;
            part = comma + 1;
        }
        if (streq (cmd, "shoutx"))
            zyre_shout (node, target, &msg);
        else
            zyre_whisper (node, target, &msg);
    }
    else
    if (streq (cmd, "bygroup") && rest && *rest)
        emit_peers ("BYGROUP", zyre_peers_by_group (node, rest));
    else
    if (streq (cmd, "peerinfo") && rest && *rest) {
        char *hdr = strchr (rest, ' ');
        if (hdr) *hdr++ = 0;
        char *addr = zyre_peer_address (node, rest);
        char *val = hdr ? zyre_peer_header_value (node, rest, hdr) : NULL;
        fputc ('{', json_out);
        json_kv (json_out, "type", "PEERINFO", false);
        json_kv (json_out, "address", addr, true);
        json_kv (json_out, "header", val, true);
        fputs ("}\n", json_out);
        fflush (json_out);
        zstr_free (&addr);
        zstr_free (&val);
    }
    else
    if (streq (cmd, "join") && rest && *rest)
        zyre_join (node, rest);
    else
    if (streq (cmd, "leave") && rest && *rest)
        zyre_leave (node, rest);
    else
    if (streq (cmd, "peers"))
        emit_peers ("PEERS", zyre_peers (node));
    else {
        char buf [300];
        snprintf (buf, sizeof buf, "unknown command: %.200s", cmd);
        emit_error (buf);
    }
    return true;
}

static void
usage (void)
{
    fprintf (stderr,
        "usage: zyre-peer [--interface IFACE] [--port N] [--evasive MS] [--expired MS]\n"
        "                 [--interval MS] [--header K=V]... [--curve-public Z85 --curve-secret Z85]\n"
        "                 [--endpoint EP] [--gossip-bind EP] [--gossip-connect EP]\n"
        "                 [--contest GROUP]... [--verbose] <name> [group]\n"
        "       zyre-peer --features\n");
}

int
main (int argc, char *argv [])
{
    const char *iface = NULL;
    const char *curve_public = NULL;
    const char *curve_secret = NULL;
    const char *endpoint = NULL;
    const char *gossip_bind = NULL;
    const char *gossip_connect = NULL;
    const char *name = NULL;
    const char *group = NULL;
    int port = -1, evasive = -1, expired = -1, interval = -1;
    bool verbose = false;
    zlist_t *headers = zlist_new ();
    zlist_t *contests = zlist_new ();

    struct { const char *flag; int *value; } numeric [] = {
        { "--port", &port }, { "--evasive", &evasive }, { "--expired", &expired }, { "--interval", &interval }
    };
    int argn;
    for (argn = 1; argn < argc; argn++) {
        const char *a = argv [argn];
        bool has_value = argn + 1 < argc;
        size_t i;
        for (i = 0; i < sizeof numeric / sizeof numeric [0]; i++)
            if (streq (a, numeric [i].flag) && has_value)
                break;
        if (i < sizeof numeric / sizeof numeric [0])
            *numeric [i].value = atoi (argv [++argn]);
        else
        if (streq (a, "--interface") && has_value)
            iface = argv [++argn];
        else
        if (streq (a, "--header") && has_value)
            zlist_append (headers, argv [++argn]);
        else
        if (streq (a, "--curve-public") && has_value)
            curve_public = argv [++argn];
        else
        if (streq (a, "--curve-secret") && has_value)
            curve_secret = argv [++argn];
        else
        if (streq (a, "--endpoint") && has_value)
            endpoint = argv [++argn];
        else
        if (streq (a, "--gossip-bind") && has_value)
            gossip_bind = argv [++argn];
        else
        if (streq (a, "--gossip-connect") && has_value)
            gossip_connect = argv [++argn];
        else
        if (streq (a, "--contest") && has_value)
            zlist_append (contests, argv [++argn]);
        else
        if (streq (a, "--features")) {
#ifdef ZYRE_BUILD_DRAFT_API
            puts ("curve");
            puts ("contest");
#endif
            return 0;
        }
        else
        if (streq (a, "--verbose") || streq (a, "-v"))
            verbose = true;
        else
        if (streq (a, "--help") || streq (a, "-h")) {
            usage ();
            return 0;
        }
        else
        if (a [0] == '-' && a [1] == '-') {
            usage ();
            return 1;
        }
        else
        if (!name)
            name = a;
        else
        if (!group)
            group = a;
        else {
            usage ();
            return 1;
        }
    }
    if (!name || !curve_public != !curve_secret) {
        usage ();
        return 1;
    }
#ifdef ZYRE_BUILD_DRAFT_API
    byte public_key [32], secret_key [32];
    if (curve_public
    && (strlen (curve_public) != 40 || strlen (curve_secret) != 40
        || !zmq_z85_decode (public_key, curve_public) || !zmq_z85_decode (secret_key, curve_secret))) {
        emit_error ("--curve-public and --curve-secret take 40 characters of Z85 each");
        return 1;
    }
    if (curve_public && public_key [0] == 0)
        fprintf (stderr, "zyre-peer: warning: the public key's first byte is 0: "
                 "C Zyre nodes with keys drop such beacons\n");
#else
    if (curve_public) {
        emit_error ("built without ZYRE_BUILD_DRAFT_API: no CURVE (zyre_set_zcert)");
        return 1;
    }
#endif

    //  The JSON lines go out on a descriptor of their own, and file descriptor 1 becomes stderr:
    //  czmq's zgossip engine, once started, logs to json_out whatever the log stream.
    json_out = fdopen (dup (STDOUT_FILENO), "w");
    dup2 (STDERR_FILENO, STDOUT_FILENO);
    if (verbose)
        zsys_set_logstream (stderr);
    zyre_t *node = zyre_new (name);
    if (!node) {
        emit_error ("zyre_new failed");
        return 1;
    }
    if (verbose)
        zyre_set_verbose (node);
#ifdef ZYRE_BUILD_DRAFT_API
    if (curve_public) {
        //  The node copies the keys (as Z85 text), so the certificate can go at once
        zcert_t *cert = zcert_new_from (public_key, secret_key);
        zyre_set_zcert (node, cert);
        zcert_destroy (&cert);
    }
#endif
    if (iface)
        zyre_set_interface (node, iface);
    if (port >= 0)
        zyre_set_port (node, port);
    if (evasive >= 0)
        zyre_set_evasive_timeout (node, evasive);
    if (expired >= 0)
        zyre_set_expired_timeout (node, expired);
    if (interval >= 0)
        zyre_set_interval (node, (size_t) interval);
    //  The node only acts on SET CONTEST when built with the DRAFT API (it asserts on it otherwise)
    const char *contest = (const char *) zlist_first (contests);
    while (contest) {
#ifdef ZYRE_BUILD_DRAFT_API
        zyre_set_contest_in_group (node, contest);
#else
        emit_error ("built without ZYRE_BUILD_DRAFT_API: no leader election (zyre_set_contest_in_group)");
        return 1;
#endif
        contest = (const char *) zlist_next (contests);
    }
    const char *kv = (const char *) zlist_first (headers);
    while (kv) {
        const char *eq = strchr (kv, '=');
        if (eq) {
            char *key = strndup (kv, eq - kv);
            zyre_set_header (node, key, "%s", eq + 1);
            free (key);
        }
        kv = (const char *) zlist_next (headers);
    }
    zlist_destroy (&headers);
    if (endpoint && zyre_set_endpoint (node, "%s", endpoint)) {
        emit_error ("zyre_set_endpoint failed");
        zyre_destroy (&node);
        return 1;
    }
    //  As zyre.h asks: gossip is set up before zyre_start (after the certificate: it takes the keys)
    if (gossip_bind)
        zyre_gossip_bind (node, "%s", gossip_bind);
    if (gossip_connect)
        zyre_gossip_connect (node, "%s", gossip_connect);

    if (zyre_start (node)) {
        emit_error ("zyre_start failed");
        zyre_destroy (&node);
        return 1;
    }
    if (group)
        zyre_join (node, group);

    fputc ('{', json_out);
    json_kv (json_out, "type", "READY", false);
    json_kv (json_out, "peer", zyre_uuid (node), true);
    json_kv (json_out, "name", zyre_name (node), true);
    fputs ("}\n", json_out);
    fflush (json_out);

    //  Poll the node's event socket and stdin (fd 0)
    zmq_pollitem_t items [2] = {
        { zsock_resolve (zyre_socket (node)), 0, ZMQ_POLLIN, 0 },
        { NULL, STDIN_FILENO, ZMQ_POLLIN, 0 }
    };
    char buffer [65536];
    size_t fill = 0;
    bool running = true;
    bool stdin_open = true;

    while (running && !zsys_interrupted) {
        int rc = zmq_poll (items, stdin_open? 2: 1, 1000);
        if (rc == -1) {
            if (errno == EINTR)
                continue;       //  zsys_interrupted is checked by the loop
            break;
        }
        if (items [0].revents & ZMQ_POLLIN) {
            zmsg_t *msg = zyre_recv (node);
            if (!msg)
                break;          //  Interrupted
            emit_event (msg);
            zmsg_destroy (&msg);
        }
        if (stdin_open && (items [1].revents & (ZMQ_POLLIN | ZMQ_POLLERR))) {
            ssize_t n = read (STDIN_FILENO, buffer + fill, sizeof (buffer) - 1 - fill);
            if (n <= 0) {
                //  EOF on stdin: behave like quit
                stdin_open = false;
                running = false;
                break;
            }
            fill += (size_t) n;
            buffer [fill] = 0;
            char *start = buffer;
            char *nl;
            while (running && (nl = strchr (start, '\n'))) {
                *nl = 0;
                running = handle_command (node, start);
                start = nl + 1;
            }
            //  Keep any partial line
            fill = strlen (start);
            memmove (buffer, start, fill + 1);
            if (fill == sizeof (buffer) - 1)
                fill = 0;       //  Overlong line: drop it
        }
    }
    //  Polite shutdown: stop sends the zero-port beacon; report STOP event
    zyre_stop (node);
    drain_events (node, 200);
    zyre_destroy (&node);
    return 0;
}
