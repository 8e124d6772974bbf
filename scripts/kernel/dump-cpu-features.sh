#!/usr/bin/env bash
# dump-cpu-features.sh — what one kernel, booted under QEMU on one CPU model, says its CPU features are, two ways:
#   cpuinfo.txt  /proc/cpuinfo as that kernel prints it (an initramfs whose /init, cpuinfo-init.c, copies it to ttyS1)
#   caps.bin     boot_cpu_data.x86_capability (NCAPINTS+NBUGINTS u32 words), dumped by gdb when the kernel panics
#                because /init exited; caps.txt is the same memory as gdb's `x/<N>wx` prints it, caps.print.txt as
#                `p/x` of a u32 array prints it (`set print repeats 3`: runs as `<repeats N times>`).
# test/kernel-boot/cpu-features.test.ts checks that patchc reads the same bits from both.
#
# Usage:
#   scripts/kernel/dump-cpu-features.sh [--data-dir DIR] [--cpu MODEL] [--offset N] [--words N] [--out DIR]
#                                       [--timeout SECONDS] [--smp N]
# Defaults: --data-dir <repo>/../shared/linux/6.1.0-56-cloud-amd64, --cpu qemu64 (qemu32 for a 686 kernel),
#   --words 24, --out /tmp/patchc-cpu-features/<kernel>-<cpu>, --timeout 300, --smp 2.
#   --offset is x86_capability's byte offset in struct cpuinfo_x86 (from the kernel's DWARF, ../shared/README.md):
#   40 for 6.1 x86_64, 36 for 6.1 i386, 48 for 6.12 x86_64; guessed from the data dir's name when not given.
# Needs: qemu-system-x86_64 (or -i386), gdb, gcc (no libc needed), xz, timeout. Exit 0 only if every output is there.
set -euo pipefail

die() { echo "dump-cpu-features: $*" >&2; exit 1; }
log() { echo "dump-cpu-features: $*" >&2; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA_DIR="$SCRIPT_DIR/../../../shared/linux/6.1.0-56-cloud-amd64"
CPU=""; OFFSET=""; WORDS=24; OUT=""; TIMEOUT=300; SMP=2
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --cpu) CPU=$2; shift 2 ;;
    --offset) OFFSET=$2; shift 2 ;;
    --words) WORDS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --smp) SMP=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

DATA_DIR=$(cd "$DATA_DIR" 2>/dev/null && pwd) || die "no data dir"
KERNEL=$(basename "$DATA_DIR")
VMLINUZ=$(ls "$DATA_DIR"/vmlinuz-* 2>/dev/null | head -n1 || true)
SYSMAP=$(ls "$DATA_DIR"/System.map-* 2>/dev/null | head -n1 || true)
[ -f "$VMLINUZ" ] && [ -f "$SYSMAP" ] || die "no vmlinuz-* / System.map-* in $DATA_DIR"
case "$KERNEL" in
  *-686*) ARCH=i386; QEMU=qemu-system-i386; GCC_ARCH=-m32; GDB_ARCH=i386; : "${CPU:=qemu32}"; DEF_OFFSET=36 ;;
  6.1.*) ARCH=x86_64; QEMU=qemu-system-x86_64; GCC_ARCH=-m64; GDB_ARCH=i386:x86-64; DEF_OFFSET=40 ;;
  6.12.*) ARCH=x86_64; QEMU=qemu-system-x86_64; GCC_ARCH=-m64; GDB_ARCH=i386:x86-64; DEF_OFFSET=48 ;;
  *) ARCH=x86_64; QEMU=qemu-system-x86_64; GCC_ARCH=-m64; GDB_ARCH=i386:x86-64; DEF_OFFSET="" ;;
esac
: "${CPU:=qemu64}"
: "${OFFSET:=$DEF_OFFSET}"
[ -n "$OFFSET" ] || die "--offset needed for $KERNEL (x86_capability's offset in struct cpuinfo_x86)"
: "${OUT:=/tmp/patchc-cpu-features/$KERNEL-$CPU}"
for tool in "$QEMU" gdb gcc timeout; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done

mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
rm -f "$OUT"/{cpuinfo.txt,cpuinfo.raw,caps.bin,caps.txt,caps.print.txt,serial.log,gdb.log,qemu.log,meta.json}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dump-cpu-features.XXXXXX")
QEMU_PID=""
cleanup() {
  local rc=$?
  if [ -n "$QEMU_PID" ]; then kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case "$SYSMAP" in *.xz) xz -dc "$SYSMAP" > "$WORK/System.map" ;; *) cp "$SYSMAP" "$WORK/System.map" ;; esac
sym() { awk -v s="$1" '$3 == s { print $1; exit }' "$WORK/System.map" | grep . || die "symbol $1 not in System.map"; }
PANIC=$(sym panic)
BCD=$(sym boot_cpu_data)
CAPS=$(printf '%x' $(( 0x$BCD + OFFSET )))
CAPS_END=$(printf '%x' $(( 0x$CAPS + 4 * WORDS )))

# ---- initramfs: /init only, as an uncompressed newc cpio -----------------------------------------------
gcc "$GCC_ARCH" -Os -ffreestanding -fno-pie -no-pie -fno-stack-protector -nostdlib -static \
  -o "$WORK/init" "$SCRIPT_DIR/cpuinfo-init.c"
cpio_entry() { # name mode file|-
  local name=$1 mode=$2 file=$3 size=0 namesize
  [ "$file" != - ] && size=$(stat -c %s "$file")
  namesize=$(( ${#name} + 1 ))
  printf '070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x' 1 "$mode" 0 0 1 0 "$size" 0 0 0 0 "$namesize" 0
  printf '%s\0' "$name"
  head -c $(( (4 - (110 + namesize) % 4) % 4 )) /dev/zero
  if [ "$file" != - ]; then cat "$file"; head -c $(( (4 - size % 4) % 4 )) /dev/zero; fi
}
{ cpio_entry init $((0100755)) "$WORK/init"; cpio_entry TRAILER!!! 0 -; } > "$WORK/initramfs.cpio"

# ---- boot, halted at reset, gdb stub on a free loopback port -------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for attempt in 1 2 3 4 5; do
  PORT=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
  port_in_use "$PORT" && continue
  "$QEMU" -accel tcg -cpu "$CPU" -smp "$SMP" -m 512M -nographic -nodefaults -no-reboot -net none -monitor none \
    -serial "file:$OUT/serial.log" -serial "file:$OUT/cpuinfo.raw" \
    -kernel "$VMLINUZ" -initrd "$WORK/initramfs.cpio" -append "console=ttyS0 nokaslr panic=-1 rdinit=/init" \
    -gdb "tcp:127.0.0.1:$PORT" -S </dev/null >"$OUT/qemu.log" 2>&1 &
  QEMU_PID=$!
  for _ in $(seq 1 100); do
    kill -0 "$QEMU_PID" 2>/dev/null || break
    port_in_use "$PORT" && break 2
    sleep 0.1
  done
  kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; QEMU_PID=""
done
[ -n "$QEMU_PID" ] || die "could not start $QEMU with a gdb stub ($(tail -n 2 "$OUT/qemu.log" | tr '\n' ' '))"

T0=$(date +%s.%N)
# panic() is variadic: its format is in rdi on x86_64, on the stack on i386 (regparm does not apply).
cat > "$WORK/cmds.gdb" <<EOF
set pagination off
set confirm off
set architecture $GDB_ARCH
set remotetimeout 30
target remote 127.0.0.1:$PORT
hbreak *0x$PANIC
continue
printf "STOPPED-AT 0x%lx\n", (unsigned long) \$pc
printf "PANIC-FMT %s\n", $( [ "$ARCH" = i386 ] && echo '*(char **)($esp + 4)' || echo '(char *)$rdi')
printf "CAPS-BEGIN\n"
x/${WORDS}wx 0x$CAPS
printf "CAPS-END\n"
printf "PRINT-BEGIN\n"
set print repeats 3
p/x *(unsigned int (*)[$WORDS]) 0x$CAPS
printf "PRINT-END\n"
dump binary memory $OUT/caps.bin 0x$CAPS 0x$CAPS_END
printf "DUMPED\n"
delete
detach
quit
EOF
set +e
timeout --kill-after=10 "$TIMEOUT" gdb -batch -nx -x "$WORK/cmds.gdb" </dev/null >"$OUT/gdb.log" 2>&1
GDB_RC=$?
set -e
SECONDS_TO_PANIC=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; QEMU_PID=""

sed -n '/^CAPS-BEGIN$/,/^CAPS-END$/p' "$OUT/gdb.log" | sed '1d;$d' > "$OUT/caps.txt"
sed -n '/^PRINT-BEGIN$/,/^PRINT-END$/p' "$OUT/gdb.log" | sed '1d;$d' > "$OUT/caps.print.txt"
tr -d '\r' < "$OUT/cpuinfo.raw" | sed -n '/^==== \/proc\/cpuinfo begin ====$/,/^==== \/proc\/cpuinfo end ====$/p' | sed '1d;$d' > "$OUT/cpuinfo.txt"

fail=""
[ "$GDB_RC" -eq 0 ] || fail="$fail gdb-exit-$GDB_RC"
grep -q '^DUMPED$' "$OUT/gdb.log" || fail="$fail no-dump"
grep -q "^STOPPED-AT 0x$PANIC\$" "$OUT/gdb.log" || fail="$fail not-at-panic"
PANIC_FMT=$(sed -n 's/^PANIC-FMT //p' "$OUT/gdb.log" | head -n1)
case "$PANIC_FMT" in *"Attempted to kill init"*) ;; *) fail="$fail panic-was:${PANIC_FMT// /_}" ;; esac
[ "$(stat -c %s "$OUT/caps.bin" 2>/dev/null || echo 0)" -eq $(( 4 * WORDS )) ] || fail="$fail caps.bin-size"
grep -q '^\$1 = {' "$OUT/caps.print.txt" || fail="$fail no-print"
grep -q '^flags' "$OUT/cpuinfo.txt" || fail="$fail no-cpuinfo"
grep -q '^==== /proc/cpuinfo end ====' "$OUT/cpuinfo.raw" || fail="$fail cpuinfo-incomplete"

cat > "$OUT/meta.json" <<EOF
{
  "ok": $([ -z "$fail" ] && echo true || echo false),
  "failures": "${fail# }",
  "kernel": "$KERNEL", "arch": "$ARCH", "cpu": "$CPU", "smp": $SMP,
  "vmlinuzSha256": "$(sha256sum "$VMLINUZ" | cut -d' ' -f1)",
  "bootCpuData": "0x$BCD", "capabilityOffset": $OFFSET, "words": $WORDS, "panic": "0x$PANIC",
  "panicFormat": "$(printf '%s' "$PANIC_FMT" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/[[:cntrl:]]//g')",
  "seconds": $SECONDS_TO_PANIC,
  "qemu": "$("$QEMU" --version | head -n1)"
}
EOF
[ -z "$fail" ] || die "FAILED:$fail (see $OUT)"
log "ok: $KERNEL on -cpu $CPU in ${SECONDS_TO_PANIC}s -> $OUT"
