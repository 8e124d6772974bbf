#!/usr/bin/env bash
# Quick check of the paravirt demo binaries (needs binutils: readelf, nm, objdump, od).
#   ./check.sh [BINDIR]          default: bin next to this script
#   LIST=1 ./check.sh [BINDIR]   also list every site record
#   ./check.sh --run FILE...     only run FILEs (e.g. patched binaries) and compare their output
#                                with expected/ (step 2 below)
# 1. Every .pv_sites record of an indirect build points at a 6-byte `ff 15` indirect call
#    whose memory operand is the record's slot in pv_ops; len is 6; the clobber mask is
#    the one pv_call.h gives that op; and every call through pv_ops in the disassembly has
#    a record (no unrecorded sites).
# 2. Every binary runs and prints expected/demo.out, with --bench 1 expected/bench-1.out and
#    with --fault 1 expected/fault-1.out
#    (the same on both architectures and for every build).
set -euo pipefail
run_only=()
if [[ ${1:-} == --run ]]; then
	shift
	for f in "$@"; do run_only+=("$(realpath "$f")"); done
	set --
fi
BIN=$(realpath "${1:-$(dirname "$0")/bin}")
cd "$(dirname "$0")"
fail=0
# slot index -> op name (src/pv_types.h, enum pv_slot)
SLOTS=(pte_val make_pte pmd_val make_pmd pgd_val make_pgd ident32 flush_tlb_hook nop_hook save_fl restore_fl set_pte hash_page missing_op)
bad() { echo "FAIL: $*" >&2; fail=1; }

# little-endian number from bytes ${B[$1]} .. ${B[$1+$2-1]} (hex strings)
le() {
	local i v=0
	for ((i = $2 - 1; i >= 0; i--)); do v=$(((v << 8) | 0x${B[$1 + i]})); done
	echo "$v"
}

check_sites() {
	local f=$1 arch=$2 ptr stride any ret64
	case $arch in
	x86_64) ptr=8 stride=16 any=$((0x1ff)) ret64=1 ;;
	i386) ptr=4 stride=8 any=$((0x7)) ret64=$((0x5)) ;;
	esac
	local pvops pvsize
	read -r pvops pvsize < <(nm -S "$f" | awk '$4 == "pv_ops" { print $1, $2 }')
	pvops=$((0x$pvops)) pvsize=$((0x$pvsize))
	local nslots=$((pvsize / ptr))

	# section table: name addr off size
	local secs
	secs=$(readelf -SW "$f" | sed -n 's/^ *\[ *[0-9]*\] //p' | awk '{ print $1, $3, $4, $5 }')
	local saddr soff ssize
	read -r saddr soff ssize < <(awk '$1 == ".pv_sites" { print $2, $3, $4 }' <<<"$secs")
	saddr=$((0x$saddr)) soff=$((0x$soff)) ssize=$((0x$ssize))
	((ssize % stride == 0)) || bad "$f: .pv_sites size $ssize is not a multiple of $stride"
	local n=$((ssize / stride))

	B=($(od -An -v -tx1 -j "$soff" -N "$ssize" "$f"))
	local -A recorded=()
	local i site op len clb
	for ((i = 0; i < n; i++)); do
		local e=$((i * stride))
		site=$(le "$e" "$ptr") op=$((0x${B[e + ptr]})) len=$((0x${B[e + ptr + 1]})) clb=$(le $((e + ptr + 2)) 2)
		local pad
		for ((pad = ptr + 4; pad < stride; pad++)); do
			[[ ${B[e + pad]} == 00 ]] || bad "$f: record $i: padding byte $pad is ${B[e + pad]}"
		done
		[[ -z ${recorded[$site]:-} ]] || bad "$f: site $(printf %#x "$site") recorded twice"
		recorded[$site]=$op
		((len == 6)) || bad "$f: record $i: len $len"
		((op < nslots)) || bad "$f: record $i: op index $op >= $nslots slots"
		local want=$any
		((op == 9 || op == 10)) && want=1 # save_fl, restore_fl: callee-save, rax/eax only (thunks)
		((op <= 6)) && want=$ret64        # identities, ident32: callee-save, rax / edx:eax (as Linux)
		((clb == want)) || bad "$f: record $i (op $op): clobber mask $(printf %#x "$clb"), expected $(printf %#x "$want")"
		# file offset of the site: find the section holding it
		local off
		off=$(while read -r name a o s; do
			a=$((0x$a)) o=$((0x$o)) s=$((0x$s))
			if ((a != 0 && site >= a && site + 6 <= a + s)); then echo $((site - a + o)); break; fi
		done <<<"$secs")
		[[ -n $off ]] || { bad "$f: record $i: site $(printf %#x "$site") is in no section"; continue; }
		local C
		C=($(od -An -v -tx1 -j "$off" -N 6 "$f"))
		[[ ${C[0]}${C[1]} == ff15 ]] || { bad "$f: site $(printf %#x "$site"): bytes ${C[*]} are not ff 15"; continue; }
		local d=$(((0x${C[5]} << 24) | (0x${C[4]} << 16) | (0x${C[3]} << 8) | 0x${C[2]}))
		local target
		if [[ $arch == x86_64 ]]; then
			((d >= 1 << 31)) && d=$((d - (1 << 32)))
			target=$((site + 6 + d))
		else
			target=$d
		fi
		[[ -n ${LIST:-} ]] && printf '    site %#x  op %2d %-14s len %d  clobbers %#05x  bytes %s\n' "$site" "$op" "${SLOTS[op]:-?}" "$len" "$clb" "${C[*]}"
		((target == pvops + op * ptr)) || bad "$f: site $(printf %#x "$site"): calls through $(printf %#x "$target"), slot $op is $(printf %#x $((pvops + op * ptr)))"
	done

	# every `ff 15` call through pv_ops in the code must be recorded
	local unrec=0 calls=0 addr tgt
	while read -r addr tgt; do
		addr=$((0x$addr)) tgt=$((0x$tgt))
		((tgt >= pvops && tgt < pvops + pvsize)) || continue
		calls=$((calls + 1))
		[[ -n ${recorded[$addr]:-} ]] || { bad "$f: call through pv_ops at $(printf %#x "$addr") has no record"; unrec=$((unrec + 1)); }
	done < <(objdump -d "$f" | awk -F'\t' '
		$2 ~ /^ff 15 / && $3 ~ /^call/ {
			a = $1; sub(/^ */, "", a); sub(/:$/, "", a)
			if ($3 ~ /# [0-9a-f]+ </) { t = $3; sub(/.*# /, "", t); sub(/ .*/, "", t) }      # x86_64 rip-relative
			else { t = $3; sub(/.*\*0x/, "", t); sub(/[^0-9a-f].*/, "", t) }                   # i386 absolute
			print a, t
		}')
	((calls == n)) || bad "$f: $calls calls through pv_ops in the code, $n records"
	local per=""
	for ((i = 0; i < nslots; i++)); do
		local c=0 s
		for s in "${!recorded[@]}"; do ((recorded[$s] == i)) && c=$((c + 1)); done
		per+=" $i:$c"
	done
	echo "ok  $f: $n sites, all ff 15 through pv_ops+slot*$ptr, len 6; per slot:$per"

	# The identity slots hold paravirt_ident_64/_32 without a thunk (Linux's __PV_IS_CALLEE_SAVE),
	# and their sites clobber only the return register: the functions must write nothing else.
	local fn want_body body
	for fn in paravirt_ident_64 paravirt_ident_32; do
		case $arch/$fn in
		x86_64/paravirt_ident_64) want_body="mov %rdi,%rax;ret" ;;
		x86_64/paravirt_ident_32) want_body="mov %edi,%eax;ret" ;;
		i386/*) want_body="ret" ;;
		esac
		body=$(objdump -d --no-show-raw-insn --disassemble="$fn" "$f" | awk -v fn="<$fn>:" '
			$2 == fn { on = 1; next } on && NF == 0 { on = 0 }
			on && !done { sub(/^ *[0-9a-f]+:\t/, ""); gsub(/ +/, " "); sub(/ *$/, ""); out = out (out ? ";" : "") $0; if ($0 ~ /^ret/) done = 1 }
			END { print out }')
		[[ $body == "$want_body" ]] || bad "$f: $fn is '$body', expected '$want_body' (callee-save: only the return register)"
	done
	if [[ -n ${LIST:-} ]]; then echo "    paravirt_ident_64/_32 write only the return register"; fi
}

((${#run_only[@]})) || for arch in x86_64 i386; do
	for v in demo bench-indirect; do
		f=$BIN/$v-$arch
		[[ -x $f ]] || { bad "missing $f"; continue; }
		check_sites "$f" "$arch"
	done
	if nm "$BIN/bench-native-$arch" | grep ' pv_ops$' >/dev/null; then bad "$BIN/bench-native-$arch has a pv_ops table"; fi
done

want=$(cat expected/demo.out)
want_bench=$(cat expected/bench-1.out)
want_fault=$(cat expected/fault-1.out)
to_run=("${run_only[@]}")
((${#to_run[@]})) || for arch in x86_64 i386; do
	for v in demo bench-indirect bench-native; do to_run+=("$BIN/$v-$arch"); done
done
for f in "${to_run[@]}"; do
	[[ -x $f ]] || { bad "$f is missing or not executable"; continue; }
	before=$fail fail=0
	out=$("$f") || bad "$f exited with $?"
	bench=$("$f" --bench 1 2>/dev/null) || bad "$f --bench 1 exited with $?"
	fault=$("$f" --fault 1 2>/dev/null) || bad "$f --fault 1 exited with $?"
	[[ $out == "$want" ]] || bad "$f prints other output than expected/demo.out"
	[[ $bench == "$want_bench" ]] || bad "$f --bench 1 prints '$bench', expected/bench-1.out has '$want_bench'"
	[[ $fault == "$want_fault" ]] || bad "$f --fault 1 prints '$fault', expected/fault-1.out has '$want_fault'"
	((fail)) || echo "ok  $f: runs; output = expected/demo.out, --bench 1 = expected/bench-1.out, --fault 1 = expected/fault-1.out"
	fail=$((fail | before))
done
((fail == 0)) && echo "all checks passed"
exit $fail
