#!/usr/bin/env bash
# dump-booted-text.sh — boot a Linux x86_64 or i386 bzImage under QEMU (TCG, no KVM, no disk), stop it with a
# gdb *hardware* breakpoint on `panic` (it panics when it finds no root fs), and dump the kernel text as
# the kernel patched it at boot (paravirt, alternatives, retpolines, ftrace, static calls, jump labels...).
#
# Usage:
#   scripts/kernel/dump-booted-text.sh [--data-dir DIR] [--vmlinuz FILE] [--system-map FILE[.xz]]
#                                      [--out DIR] [--timeout SECONDS] [--smp N] [--cpu MODEL] [--mem SIZE]
#                                      [--arch x86_64|i386] [--qemu BINARY] [--caps-offset N] [--caps-words N]
#
# Defaults: --data-dir <repo>/../shared/linux/6.1.0-56-cloud-amd64 (vmlinuz-* and System.map-*.xz in it),
#           --out /tmp/patchc-booted-text, --timeout 300 (whole boot-to-panic budget), --smp 2, --mem 512M,
#           --arch i386 when the data dir's name has -686 in it (Debian's 32-bit flavours), else x86_64;
#           then --qemu qemu-system-x86_64 --cpu qemu64 (x86_64) or qemu-system-i386 --cpu qemu32 (i386);
#           --caps-offset 40 (x86_64) or 36 (i386): x86_capability in struct cpuinfo_x86 (6.1 DWARF),
#           --caps-words 24 (NCAPINTS + NBUGINTS).
#
# Output (in --out):
#   text.bin               guest memory _text .. _etext            (the booted .text)
#   inittext.bin           guest memory _sinittext .. _einittext   (.init.text, not yet freed at panic time)
#   parainstructions.bin   guest memory __parainstructions .. __parainstructions_end (site table as the guest saw it)
#   pv_ops.bin             guest memory pv_ops (the op table the kernel patched from; size from pv_ops-slots.tsv)
#   caps-alternatives.bin  boot_cpu_data.x86_capability (--caps-words u32 words) when apply_alternatives() is entered
#                          for the kernel's own table (start == __alt_instructions): the feature bits that pass tested.
#                          Earlier calls are skipped: i386's identify_boot_cpu() -> sysenter_setup() -> init_vdso_image()
#                          patches the vDSO before cpu_select_mitigations() has set RETPOLINE, CLEAR_CPU_BUF, RSB_*.
#   caps.bin               the same words at panic (features may be set or cleared after the pass)
#   booted-text.json       addresses used, sizes, sha256s, panic evidence, timings, qemu/gdb versions
#   serial.log             guest serial console; gdb.log, qemu.log
# Exit status 0 only if the guest stopped at `panic` with the expected VFS message and every dump has the right size.
#
# Needs: qemu-system-x86_64 (or -i386), gdb, xz (for a .xz System.map), sha256sum, timeout. Only loopback networking:
# the gdb stub listens on 127.0.0.1:<free port>. Everything started here is killed on exit.
set -euo pipefail

die() { echo "dump-booted-text: $*" >&2; exit 1; }
log() { echo "dump-booted-text: $*" >&2; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)
DATA_DIR="$REPO_DIR/../shared/linux/6.1.0-56-cloud-amd64"
VMLINUZ=""
SYSMAP=""
OUT="/tmp/patchc-booted-text"
TIMEOUT=300
SMP=2
CPU=""
MEM=512M
ARCH=""
QEMU=""
CAPS_OFFSET=""
CAPS_WORDS=24

while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --vmlinuz) VMLINUZ=$2; shift 2 ;;
    --system-map) SYSMAP=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --smp) SMP=$2; shift 2 ;;
    --cpu) CPU=$2; shift 2 ;;
    --mem) MEM=$2; shift 2 ;;
    --arch) ARCH=$2; shift 2 ;;
    --qemu) QEMU=$2; shift 2 ;;
    --caps-offset) CAPS_OFFSET=$2; shift 2 ;;
    --caps-words) CAPS_WORDS=$2; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

if [ -z "$ARCH" ]; then
  case "$(basename "$DATA_DIR")" in *-686*) ARCH=i386 ;; *) ARCH=x86_64 ;; esac
fi
# Per arch: qemu binary, CPU model, gdb architecture, pointer size, where panic()'s format argument is
# at its first instruction (x86_64: rdi; i386: panic() is variadic, so regparm does not apply: the stack),
# where apply_alternatives()'s first argument is (x86_64: rdi; i386: eax, the kernel is built -mregparm=3),
# and x86_capability's offset in struct cpuinfo_x86 (the fields before it hold pointer-sized members).
case "$ARCH" in
  x86_64) : "${QEMU:=qemu-system-x86_64}"; : "${CPU:=qemu64}"; : "${CAPS_OFFSET:=40}"; GDB_ARCH=i386:x86-64; PTR=8; PANIC_FMT_EXPR='(char *)$rdi'; ARG1='$rdi' ;;
  i386) : "${QEMU:=qemu-system-i386}"; : "${CPU:=qemu32}"; : "${CAPS_OFFSET:=36}"; GDB_ARCH=i386; PTR=4; PANIC_FMT_EXPR='*(char **)($esp + 4)'; ARG1='$eax' ;;
  *) die "unknown --arch $ARCH (x86_64 or i386)" ;;
esac
if [ -z "$VMLINUZ" ]; then VMLINUZ=$(ls "$DATA_DIR"/vmlinuz-* 2>/dev/null | head -n1 || true); fi
if [ -z "$SYSMAP" ]; then SYSMAP=$(ls "$DATA_DIR"/System.map-* 2>/dev/null | head -n1 || true); fi
[ -n "$VMLINUZ" ] && [ -f "$VMLINUZ" ] || die "no vmlinuz (looked in $DATA_DIR; use --vmlinuz)"
[ -n "$SYSMAP" ] && [ -f "$SYSMAP" ] || die "no System.map (looked in $DATA_DIR; use --system-map)"
for tool in "$QEMU" gdb sha256sum timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (see scripts/kernel/apt-packages.txt)"
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT"/text.bin "$OUT"/inittext.bin "$OUT"/parainstructions.bin "$OUT"/pv_ops.bin "$OUT"/booted-text.json \
      "$OUT"/caps-alternatives.bin "$OUT"/caps.bin \
      "$OUT"/serial.log "$OUT"/gdb.log "$OUT"/qemu.log "$OUT"/gdb-cmds.gdb
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dump-booted-text.XXXXXX")

QEMU_PID=""
cleanup() {
  local rc=$?
  if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
    kill "$QEMU_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$QEMU_PID" 2>/dev/null || true
    wait "$QEMU_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$(date +%s.%N)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# ---- System.map lookups ---------------------------------------------------------------------------
case "$SYSMAP" in
  *.xz) command -v xz >/dev/null || die "missing tool: xz"; xz -dc "$SYSMAP" > "$WORK/System.map" ;;
  *) cp "$SYSMAP" "$WORK/System.map" ;;
esac
sym() {
  local v
  v=$(awk -v s="$1" '$3 == s { print $1; exit }' "$WORK/System.map")
  [ -n "$v" ] || die "symbol $1 not in System.map"
  echo "$v"
}
TEXT=$(sym _text); ETEXT=$(sym _etext)
SINIT=$(sym _sinittext); EINIT=$(sym _einittext)
# Since 6.8 there is no .parainstructions (every paravirt site is an .altinstructions entry): an empty dump then.
if awk '$3 == "__parainstructions" { f = 1 } END { exit !f }' "$WORK/System.map"; then
  PARA=$(sym __parainstructions); PARA_END=$(sym __parainstructions_end)
  PARA_DUMP="dump binary memory $OUT/parainstructions.bin 0x$PARA 0x$PARA_END"
else
  PARA=$TEXT; PARA_END=$TEXT
  PARA_DUMP="shell : > $OUT/parainstructions.bin"
fi
PANIC=$(sym panic); START_KERNEL=$(sym start_kernel)
PV_OPS=$(sym pv_ops)
APPLY_ALT=$(sym apply_alternatives); ALT_START=$(sym __alt_instructions)
CAPS=$(printf '%x' $(( 0x$(sym boot_cpu_data) + CAPS_OFFSET )))
CAPS_SIZE=$(( 4 * CAPS_WORDS ))
CAPS_END=$(printf '%x' $(( 0x$CAPS + CAPS_SIZE )))
# struct paravirt_patch_template is 84 pointers in 6.1 x86_64; pv_ops-slots.tsv (if present) says exactly
PV_OPS_SIZE=$((84 * PTR))
if [ -f "$DATA_DIR/pv_ops-slots.tsv" ]; then
  PV_OPS_SIZE=$(awk -F'\t' -v w="$PTR" '$1 ~ /^[0-9]+$/ { if ($1 + w > m) m = $1 + w } END { print m + 0 }' "$DATA_DIR/pv_ops-slots.tsv")
fi
PV_OPS_END=$(printf '%x' $(( 0x$PV_OPS + PV_OPS_SIZE )))
size_of() { echo $(( 0x$2 - 0x$1 )); }
TEXT_SIZE=$(size_of "$TEXT" "$ETEXT")
INIT_SIZE=$(size_of "$SINIT" "$EINIT")
PARA_SIZE=$(size_of "$PARA" "$PARA_END")
VMLINUZ_SHA=$(sha256sum "$VMLINUZ" | cut -d' ' -f1)
log "vmlinuz $VMLINUZ (sha256 $VMLINUZ_SHA)"
log "_text=0x$TEXT _etext=0x$ETEXT ($TEXT_SIZE bytes), panic=0x$PANIC"

# ---- free loopback port -----------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p i
  for i in $(seq 1 50); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "no free loopback port found"
}

# ---- start qemu, halted at reset, gdb stub on loopback ----------------------------------------------
QEMU_ARGS=(-accel tcg -cpu "$CPU" -smp "$SMP" -m "$MEM"
  -nographic -nodefaults -no-reboot -net none -monitor none
  -serial "file:$OUT/serial.log"
  -kernel "$VMLINUZ" -append "console=ttyS0 nokaslr panic=-1")
PORT=""
for attempt in 1 2 3 4 5; do
  PORT=$(pick_port)
  : > "$OUT/qemu.log"
  "$QEMU" "${QEMU_ARGS[@]}" -gdb "tcp:127.0.0.1:$PORT" -S </dev/null >>"$OUT/qemu.log" 2>&1 &
  QEMU_PID=$!
  # wait until the stub listens (or qemu dies, e.g. port taken between probe and bind)
  ok=""
  for _ in $(seq 1 100); do
    if ! kill -0 "$QEMU_PID" 2>/dev/null; then break; fi
    if port_in_use "$PORT"; then ok=1; break; fi
    sleep 0.1
  done
  [ -n "$ok" ] && break
  log "qemu did not come up on port $PORT (attempt $attempt): $(tail -n 3 "$OUT/qemu.log" | tr '\n' ' ')"
  kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; QEMU_PID=""
done
[ -n "$QEMU_PID" ] || die "could not start qemu with a gdb stub"
log "qemu pid $QEMU_PID, gdb stub 127.0.0.1:$PORT"

# ---- gdb: hw breakpoint on panic, dump, then detach and let the guest finish panicking ---------------
# The hbreak is on the virtual address; under TCG the gdbstub matches it against the guest's virtual PC,
# so it is harmless while the CPU runs real-mode / decompressor code and fires once the kernel is paged in.
GDB_CMDS="$OUT/gdb-cmds.gdb"
cat > "$GDB_CMDS" <<EOF
set pagination off
set confirm off
set width 0
set architecture $GDB_ARCH
set remotetimeout 30
target remote 127.0.0.1:$PORT
hbreak *0x$APPLY_ALT
hbreak *0x$PANIC
continue
while \$pc == 0x$APPLY_ALT && (unsigned long) $ARG1 != 0x$ALT_START
  continue
end
if \$pc == 0x$APPLY_ALT
  dump binary memory $OUT/caps-alternatives.bin 0x$CAPS 0x$CAPS_END
  printf "CAPS-AT-ALTERNATIVES\n"
  delete 1
  continue
end
printf "STOPPED-AT pc=0x%lx\n", (unsigned long) \$pc
printf "PANIC-FMT %s\n", $PANIC_FMT_EXPR
shell date +%s.%N > "$WORK/t_panic"
dump binary memory $OUT/text.bin 0x$TEXT 0x$ETEXT
dump binary memory $OUT/inittext.bin 0x$SINIT 0x$EINIT
$PARA_DUMP
dump binary memory $OUT/pv_ops.bin 0x$PV_OPS 0x$PV_OPS_END
dump binary memory $OUT/caps.bin 0x$CAPS 0x$CAPS_END
shell date +%s.%N > "$WORK/t_dumped"
printf "DUMPED\n"
delete
detach
quit
EOF
set +e
timeout --kill-after=10 "$TIMEOUT" gdb -batch -nx -x "$GDB_CMDS" </dev/null >"$OUT/gdb.log" 2>&1
GDB_RC=$?
set -e
T_END=$(now)

# After `detach` the guest finishes panic() (prints "Kernel panic - not syncing" to the serial log) and
# reboots, which makes qemu exit (-no-reboot); give it up to 20 s when the dump went well, else kill now.
if grep -q '^DUMPED$' "$OUT/gdb.log"; then
  for _ in $(seq 1 200); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.1; done
fi
if kill -0 "$QEMU_PID" 2>/dev/null; then
  log "qemu still running after gdb finished; killing it"
fi
kill "$QEMU_PID" 2>/dev/null || true
wait "$QEMU_PID" 2>/dev/null || true
QEMU_PID=""

# ---- checks --------------------------------------------------------------------------------------------
fail=""
[ "$GDB_RC" -eq 124 ] && fail="$fail gdb-timeout(${TIMEOUT}s)"
STOP_RIP=$(sed -n 's/^STOPPED-AT pc=//p' "$OUT/gdb.log" | head -n1)
PANIC_FMT=$(sed -n 's/^PANIC-FMT //p' "$OUT/gdb.log" | head -n1)
grep -q '^DUMPED$' "$OUT/gdb.log" || fail="$fail no-dump"
[ "$STOP_RIP" = "0x$PANIC" ] || fail="$fail stopped-at(${STOP_RIP:-nowhere})"
SERIAL_PANIC=$(grep -a -m1 'Kernel panic - not syncing' "$OUT/serial.log" | tr -d '\r' || true)
case "$PANIC_FMT$SERIAL_PANIC" in
  *"Unable to mount root fs"*) ;;
  *) fail="$fail not-the-vfs-panic" ;;
esac
filesize() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }
[ "$(filesize "$OUT/text.bin")" -eq "$TEXT_SIZE" ] || fail="$fail text.bin-size"
[ "$(filesize "$OUT/inittext.bin")" -eq "$INIT_SIZE" ] || fail="$fail inittext.bin-size"
[ "$(filesize "$OUT/parainstructions.bin")" -eq "$PARA_SIZE" ] || fail="$fail parainstructions.bin-size"
[ "$(filesize "$OUT/pv_ops.bin")" -eq "$PV_OPS_SIZE" ] || fail="$fail pv_ops.bin-size"
grep -q '^CAPS-AT-ALTERNATIVES$' "$OUT/gdb.log" || fail="$fail no-stop-at-apply_alternatives"
[ "$(filesize "$OUT/caps-alternatives.bin")" -eq "$CAPS_SIZE" ] || fail="$fail caps-alternatives.bin-size"
[ "$(filesize "$OUT/caps.bin")" -eq "$CAPS_SIZE" ] || fail="$fail caps.bin-size"

T_PANIC=$(cat "$WORK/t_panic" 2>/dev/null || echo "$T_END")
T_DUMPED=$(cat "$WORK/t_dumped" 2>/dev/null || echo "$T_END")
sha() { if [ -f "$1" ]; then sha256sum "$1" | cut -d' ' -f1; else echo ""; fi; }
json_str() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/[[:cntrl:]]//g'; }
QEMU_VERSION=$("$QEMU" --version | head -n1)
GDB_VERSION=$(gdb --version | head -n1)

cat > "$OUT/booted-text.json" <<EOF
{
  "ok": $([ -z "$fail" ] && echo true || echo false),
  "failures": "$(json_str "${fail# }")",
  "vmlinuz": "$(json_str "$VMLINUZ")",
  "vmlinuzSha256": "$VMLINUZ_SHA",
  "systemMap": "$(json_str "$SYSMAP")",
  "symbols": {
    "_text": "0x$TEXT", "_etext": "0x$ETEXT",
    "_sinittext": "0x$SINIT", "_einittext": "0x$EINIT",
    "__parainstructions": "0x$PARA", "__parainstructions_end": "0x$PARA_END",
    "panic": "0x$PANIC", "start_kernel": "0x$START_KERNEL", "pv_ops": "0x$PV_OPS",
    "apply_alternatives": "0x$APPLY_ALT", "__alt_instructions": "0x$ALT_START", "x86_capability": "0x$CAPS"
  },
  "dumps": {
    "text": { "file": "text.bin", "start": "0x$TEXT", "size": $TEXT_SIZE, "sha256": "$(sha "$OUT/text.bin")" },
    "initText": { "file": "inittext.bin", "start": "0x$SINIT", "size": $INIT_SIZE, "sha256": "$(sha "$OUT/inittext.bin")" },
    "parainstructions": { "file": "parainstructions.bin", "start": "0x$PARA", "size": $PARA_SIZE, "sha256": "$(sha "$OUT/parainstructions.bin")" },
    "pvOps": { "file": "pv_ops.bin", "start": "0x$PV_OPS", "size": $PV_OPS_SIZE, "sha256": "$(sha "$OUT/pv_ops.bin")" },
    "capsAtAlternatives": { "file": "caps-alternatives.bin", "start": "0x$CAPS", "size": $CAPS_SIZE, "sha256": "$(sha "$OUT/caps-alternatives.bin")" },
    "capsAtPanic": { "file": "caps.bin", "start": "0x$CAPS", "size": $CAPS_SIZE, "sha256": "$(sha "$OUT/caps.bin")" }
  },
  "panic": {
    "stoppedAt": "$(json_str "$STOP_RIP")",
    "format": "$(json_str "$PANIC_FMT")",
    "serialLine": "$(json_str "$SERIAL_PANIC")"
  },
  "qemu": {
    "version": "$(json_str "$QEMU_VERSION")",
    "args": "$(json_str "${QEMU_ARGS[*]} -gdb tcp:127.0.0.1:$PORT -S")",
    "binary": "$(json_str "$QEMU")", "cpu": "$CPU", "smp": $SMP, "mem": "$MEM"
  },
  "arch": "$ARCH",
  "gdb": { "version": "$(json_str "$GDB_VERSION")", "exitCode": $GDB_RC },
  "seconds": {
    "bootToPanic": $(elapsed "$T0" "$T_PANIC"),
    "dump": $(elapsed "$T_PANIC" "$T_DUMPED"),
    "total": $(elapsed "$T0" "$(now)")
  },
  "createdAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF

if [ -n "$fail" ]; then
  log "FAILED:$fail (see $OUT/gdb.log, $OUT/serial.log, $OUT/qemu.log)"
  exit 1
fi
log "ok: panic reached in $(elapsed "$T0" "$T_PANIC")s, dumped in $(elapsed "$T_PANIC" "$T_DUMPED")s -> $OUT"
