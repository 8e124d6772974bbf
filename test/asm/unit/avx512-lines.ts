// AVX-512 test lines for avx512.test.ts: written in AT&T (also run without `%` and in 32-bit code) and in GNU
// Intel syntax. The Intel list starts with objdump -M intel's spelling of the accepted AT&T lines, then lines
// written by hand for Intel's own decorations (`DWORD BCST`, `{k1}`, `zmm1{rn-sae}`). Lines GNU rejects are
// meant: patchc must refuse them too. Only inputs live here; the expected bytes come from GNU as at test time.

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** AT&T lines: registers, decorations, forms, pseudo-ops, pseudo prefixes, displacement compression, errors. */
export const AVX512_ATT = lines(`
vaddps %zmm1,%zmm2,%zmm3
vaddps %zmm17,%zmm25,%zmm31
vaddpd %zmm1,%zmm2,%zmm3{%k7}
vaddpd %zmm1,%zmm2,%zmm3{%k7}{z}
vaddpd (%rax){1to8},%zmm2,%zmm3
vaddpd (%rax){1to4},%ymm2,%ymm3
vaddpd (%rax){1to2},%xmm2,%xmm3
vaddpd (%rax){1to8},%ymm2,%ymm3
vaddps (%rax){1to4},%xmm2,%xmm3
vaddps (%rax){1to8},%ymm18,%ymm3
vaddpd {rz-sae},%zmm1,%zmm2,%zmm3
vaddpd {ru-sae},%zmm1,%zmm2,%zmm3{%k1}{z}
vaddpd {rd-sae},%zmm1,%zmm2,%zmm3
vaddsd {rn-sae},%xmm1,%xmm2,%xmm3
vaddsd {rz-sae},%xmm21,%xmm2,%xmm3{%k2}
vaddss 0x100(%rax),%xmm2,%xmm3{%k1}
vsubps %zmm1,%zmm2,%zmm3
vmulps 0x40(%rsp),%zmm2,%zmm3
vdivps -0x40(%rbp,%rcx,8),%zmm2,%zmm3
vsqrtps {rn-sae},%zmm1,%zmm2
vsqrtpd (%rax){1to8},%zmm2
vmaxps {sae},%zmm1,%zmm2,%zmm3
vminpd {sae},%zmm1,%zmm2,%zmm3
vmaxss {sae},%xmm1,%xmm2,%xmm3
vmovups %zmm1,%zmm2
vmovups (%rax),%zmm2
vmovups %zmm2,(%rax)
vmovups %zmm2,(%rax){%k1}
vmovups (%rax),%zmm2{%k1}{z}
vmovaps %zmm16,%zmm2
vmovapd 0x40(%rax),%zmm2
vmovupd %ymm17,(%rax)
vmovdqu8 %zmm1,%zmm2{%k1}
vmovdqu16 (%rax),%zmm2{%k1}{z}
vmovdqu32 %zmm2,0x40(%rax)
vmovdqu64 %zmm2,0x40(%rax){%k3}
vmovdqa32 %zmm1,%zmm2
vmovdqa64 (%rax),%ymm22
vmovdqu %xmm1,%xmm2
vmovdqu %xmm17,%xmm2
vmovdqu (%rax),%ymm17
vmovdqa %ymm17,%ymm18
vmovntdq %zmm1,(%rax)
vmovntdqa (%rax),%zmm1
vmovd %eax,%xmm17
vmovd %xmm17,%eax
vmovd %xmm17,(%rax)
vmovq %rax,%xmm17
vmovq %xmm17,%rax
vmovq %xmm17,%xmm18
vmovq %xmm1,%xmm18
vmovq (%rax),%xmm17
vmovq %xmm17,(%rax)
vmovss %xmm17,%xmm18,%xmm19
vmovss (%rax),%xmm17{%k1}{z}
vmovss %xmm17,(%rax){%k1}
vmovsd %xmm1,%xmm2,%xmm3{%k1}
vmovhps (%rax),%xmm17,%xmm18
vmovlps %xmm17,(%rax)
vpaddd %zmm1,%zmm2,%zmm3
vpaddd (%rax){1to16},%zmm2,%zmm3{%k1}
vpaddq (%rax){1to8},%zmm2,%zmm3
vpaddb %zmm1,%zmm2,%zmm3{%k1}
vpaddw 0x40(%rax),%zmm2,%zmm3
vpandd %zmm1,%zmm2,%zmm3
vpandq (%rax){1to8},%zmm2,%zmm3
vpand %zmm1,%zmm2,%zmm3
vpand %xmm17,%xmm2,%xmm3
vpandnd %zmm1,%zmm2,%zmm3
vpord %xmm1,%xmm2,%xmm3
vporq %ymm1,%ymm2,%ymm3
vpxord %zmm1,%zmm2,%zmm3
vpxorq %zmm17,%zmm17,%zmm17
vpxor %xmm17,%xmm17,%xmm17
vpternlogd $0xff,%zmm1,%zmm2,%zmm3
vpternlogq $0x96,(%rax){1to8},%zmm2,%zmm3{%k1}{z}
vpternlogd $0xca,%xmm1,%xmm2,%xmm3
vpermt2d %zmm1,%zmm2,%zmm3
vpermt2q (%rax),%zmm2,%zmm3
vpermi2d %zmm1,%zmm2,%zmm3
vpermt2b %zmm1,%zmm2,%zmm3
vpermt2w %zmm1,%zmm2,%zmm3
vpermd %zmm1,%zmm2,%zmm3
vpermq $0x4e,%zmm1,%zmm2
vpermq %zmm1,%zmm2,%zmm3
vpermps %zmm1,%zmm2,%zmm3
vpermb %zmm1,%zmm2,%zmm3
vpshufb %zmm1,%zmm2,%zmm3
vpshufd $0x1b,%zmm1,%zmm2
vpshufd $0x1b,(%rax){1to16},%zmm2
vshufps $0x44,%zmm1,%zmm2,%zmm3
vshufi32x4 $0x44,%zmm1,%zmm2,%zmm3
vshuff64x2 $0xee,%zmm1,%zmm2,%zmm3
valignd $3,%zmm1,%zmm2,%zmm3
valignq $1,%zmm1,%zmm2,%zmm3
vpalignr $8,%zmm1,%zmm2,%zmm3
vpsrldq $4,%zmm1,%zmm2
vpslldq $4,(%rax),%zmm2
vpsrld $3,%zmm1,%zmm2
vpsrld $3,(%rax){1to16},%zmm2
vpsrld %xmm1,%zmm2,%zmm3
vpsllvd %zmm1,%zmm2,%zmm3
vpsravq %zmm1,%zmm2,%zmm3
vpsraq $2,%zmm1,%zmm2
vprold $5,%zmm1,%zmm2
vprorvq %zmm1,%zmm2,%zmm3
vpminud %zmm1,%zmm2,%zmm3
vpmaxsq %zmm1,%zmm2,%zmm3
vpminub %zmm1,%zmm2,%zmm3{%k1}
vpabsq %zmm1,%zmm2
vpabsb %zmm1,%zmm2
vplzcntd %zmm1,%zmm2
vpconflictd %zmm1,%zmm2
vpopcntd %zmm1,%zmm2
vpopcntb %zmm1,%zmm2
vpmullq %zmm1,%zmm2,%zmm3
vpmulld %zmm1,%zmm2,%zmm3
vpmuludq %zmm1,%zmm2,%zmm3
vpmadd52luq %zmm1,%zmm2,%zmm3
vpmadd52huq (%rax){1to8},%zmm2,%zmm3
vpdpbusd %zmm1,%zmm2,%zmm3
vpdpwssd %zmm1,%zmm2,%zmm3
vpcmpeqb %zmm1,%zmm2,%k1
vpcmpeqb %zmm1,%zmm2,%k1{%k2}
vpcmpeqw (%rax),%zmm2,%k1
vpcmpeqq (%rax){1to8},%zmm2,%k1
vpcmpgtd %zmm1,%zmm2,%k1
vpcmpgtb %ymm1,%ymm2,%k5
vpcmpd $2,%zmm1,%zmm2,%k1
vpcmpud $6,(%rax){1to16},%zmm2,%k1{%k3}
vpcmpub $1,%zmm1,%zmm2,%k1
vpcmpltub %zmm1,%zmm2,%k1
vpcmpleb %zmm1,%zmm2,%k1
vpcmpneqb %zmm1,%zmm2,%k1
vpcmpnltuq %zmm1,%zmm2,%k1
vpcmpnleuw %ymm1,%ymm2,%k1
vpcmpequb %xmm1,%xmm2,%k1
vpcmpeqd %xmm1,%xmm2,%xmm3
vpcmpeqd %xmm1,%xmm2,%k3
vpcmpeqd %xmm17,%xmm2,%k3
vptestmb %zmm1,%zmm2,%k1
vptestmd %zmm1,%zmm2,%k1{%k2}
vptestnmq (%rax){1to8},%zmm2,%k1
vptestnmb %ymm1,%ymm2,%k1
vcmpps $0,%zmm1,%zmm2,%k1
vcmpps $0x1f,(%rax){1to16},%zmm2,%k1{%k2}
vcmpps $0,{sae},%zmm1,%zmm2,%k1
vcmpltpd %zmm1,%zmm2,%k1
vcmpneq_oqps %xmm1,%xmm2,%k1
vcmpunordsd %xmm1,%xmm2,%k1
vcmpeqss {sae},%xmm1,%xmm2,%k1
vcmpps $1,%xmm1,%xmm2,%xmm3
vfpclassps $4,%zmm1,%k1
vfpclasspd $0x22,(%rax){1to8},%k1
vfpclasspsz $4,(%rax),%k1
vfpclasspsx $4,(%rax),%k1
vfpclasspsy $4,(%rax),%k1
vfpclasspd $4,(%rax),%k1
vfpclassss $4,%xmm1,%k1
vfmadd231ps %zmm1,%zmm2,%zmm3
vfmadd231ps {rn-sae},%zmm1,%zmm2,%zmm3
vfmadd213pd (%rax){1to8},%zmm2,%zmm3{%k1}
vfmadd132ps %xmm1,%xmm2,%xmm3
vfmadd132ps %xmm17,%xmm2,%xmm3
vfnmadd231sd {rd-sae},%xmm1,%xmm2,%xmm3
vfmsub213ps %zmm1,%zmm2,%zmm3
vfmaddsub231pd %zmm1,%zmm2,%zmm3
vrcp14ps %zmm1,%zmm2
vrsqrt14pd (%rax),%zmm2
vrcp14ss %xmm1,%xmm2,%xmm3
vgetexpps {sae},%zmm1,%zmm2
vgetmantps $4,{sae},%zmm1,%zmm2
vrndscaleps $4,%zmm1,%zmm2
vrndscalepd $4,{sae},%zmm1,%zmm2
vrndscalesd $4,%xmm1,%xmm2,%xmm3
vreduceps $4,%zmm1,%zmm2
vrangeps $4,%zmm1,%zmm2,%zmm3
vscalefps %zmm1,%zmm2,%zmm3
vscalefps {rn-sae},%zmm1,%zmm2,%zmm3
vfixupimmps $4,%zmm1,%zmm2,%zmm3
vcvtps2pd %ymm1,%zmm2
vcvtps2pd {sae},%ymm1,%zmm2
vcvtps2pd (%rax){1to8},%zmm2
vcvtpd2ps %zmm1,%ymm2
vcvtpd2ps {rn-sae},%zmm1,%ymm2
vcvtpd2ps %ymm1,%xmm2
vcvtpd2ps %ymm17,%xmm2
vcvtpd2ps %xmm1,%xmm2
vcvtpd2psx (%rax),%xmm2
vcvtpd2psy (%rax),%xmm2
vcvtpd2psx (%rax),%xmm17
vcvtpd2psy (%rax){1to4},%xmm17
vcvtpd2psx (%rax){1to4},%xmm17
vcvtpd2ps (%rax){1to2},%xmm17
vcvtpd2psx %xmm1,%xmm2
vcvtpd2psy %ymm1,%xmm2
vcvtpd2psz (%rax),%ymm2
vcvtpd2dqx (%rax),%xmm2
vcvtpd2dqy (%rax){1to4},%xmm2
vcvttpd2dqx (%rax),%xmm2
vcvtpd2udq %zmm1,%ymm2
vcvtpd2udqx (%rax),%xmm2
vcvtqq2ps %zmm1,%ymm2
vcvtqq2psy (%rax),%xmm2
vcvtuqq2psx (%rax){1to2},%xmm2
vcvtdq2ps %zmm1,%zmm2
vcvtdq2ps {rn-sae},%zmm1,%zmm2
vcvtudq2ps %zmm1,%zmm2
vcvtps2dq {rz-sae},%zmm1,%zmm2
vcvttps2dq {sae},%zmm1,%zmm2
vcvttps2udq %zmm1,%zmm2
vcvtps2qq %ymm1,%zmm2
vcvttpd2qq {sae},%zmm1,%zmm2
vcvtqq2pd %zmm1,%zmm2
vcvtps2ph $0,%zmm1,%ymm2
vcvtps2ph $0,{sae},%zmm1,%ymm2
vcvtps2ph $4,%zmm1,(%rax){%k1}
vcvtph2ps %ymm1,%zmm2
vcvtph2ps {sae},%ymm1,%zmm2
vcvtsd2ss {rn-sae},%xmm1,%xmm2,%xmm3
vcvtss2sd {sae},%xmm1,%xmm2,%xmm3
vcvtsi2sd %eax,%xmm17,%xmm18
vcvtsi2sdl (%rax),%xmm17,%xmm18
vcvtsi2sdq (%rax),%xmm17,%xmm18
vcvtsi2ss %rax,{rn-sae},%xmm2,%xmm1
vcvtsi2sd %rax,{rz-sae},%xmm2,%xmm1
vcvtusi2sd %eax,%xmm2,%xmm1
vcvtusi2ss %rax,{rd-sae},%xmm2,%xmm1
vcvtusi2sdl (%rax),%xmm2,%xmm1
vcvtusi2sd (%rax),%xmm2,%xmm1
vcvtss2si {rn-sae},%xmm1,%eax
vcvttss2si {sae},%xmm1,%rax
vcvtsd2usi %xmm1,%eax
vcvttsd2usi {sae},%xmm1,%rax
vcvtss2usi (%rax),%eax
vcvtss2si %xmm17,%eax
vgatherdps (%rax,%zmm1,4),%zmm2{%k1}
vgatherdps 0x40(%rax,%zmm1,4),%zmm2{%k1}
vgatherdps 0x44(%rax,%zmm1,4),%zmm2{%k1}
vgatherdps (%rax,%xmm17,4),%xmm2{%k1}
vgatherdps (%rax,%ymm17,4),%ymm2{%k1}
vgatherdps (%rax,%xmm1,4),%xmm2{%k1}
vgatherdps %xmm3,(%rax,%xmm1,4),%xmm2
vgatherdpd (%rax,%ymm1,8),%zmm2{%k1}
vgatherqps (%rax,%zmm1,4),%ymm2{%k1}
vgatherqpd (%rax,%zmm1,8),%zmm2{%k1}
vpgatherdd (%rax,%zmm1,4),%zmm2{%k1}
vpgatherdq (%rax,%ymm1,8),%zmm2{%k1}
vpgatherqd (%rax,%zmm1,4),%ymm2{%k1}
vpgatherqq 0x8(%rax,%zmm1,8),%zmm2{%k1}
vpgatherdd (%rax,%zmm1,4),%zmm2
vpgatherdd (%rax,%zmm1,4),%zmm2{%k1}{z}
vpgatherdd (%rax,%zmm1,4),%zmm2{%k0}
vpscatterdd %zmm2,(%rax,%zmm1,4){%k1}
vpscatterdq %zmm2,(%rax,%ymm1,8){%k1}
vpscatterqd %ymm2,(%rax,%zmm1,4){%k1}
vpscatterqq %zmm2,(%rax,%zmm1,8){%k1}
vscatterdps %zmm2,(%rax,%zmm1,4){%k1}
vscatterqpd %zmm2,0x80(%rax,%zmm1,8){%k1}
vscatterdps %zmm2,(%rax,%zmm1,4)
vgatherdps (%r8,%zmm25,4),%zmm30{%k7}
vgatherdps (%eax,%zmm1,4),%zmm2{%k1}
vgatherdps (,%zmm1,4),%zmm2{%k1}
vgatherdps 0x100(,%zmm1,4),%zmm2{%k1}
vpcompressd %zmm1,%zmm2
vpcompressd %zmm1,(%rax){%k1}
vpcompressd %zmm1,%zmm2{%k1}{z}
vpcompressq %zmm1,0x40(%rax)
vpcompressq %zmm1,0x8(%rax)
vcompressps %zmm1,%zmm2{%k1}
vcompresspd %ymm1,(%rax)
vpcompressb %zmm1,%zmm2
vpexpandd (%rax),%zmm2{%k1}{z}
vpexpandq %zmm1,%zmm2
vexpandps 0x4(%rax),%zmm2{%k1}
vexpandpd %zmm1,%zmm2{%k1}
vpexpandw %zmm1,%zmm2
vpmovqd %zmm1,%ymm2
vpmovqd %zmm1,(%rax)
vpmovqd %zmm1,0x20(%rax){%k1}
vpmovqd %zmm1,%ymm2{%k1}{z}
vpmovqd %ymm1,%xmm2
vpmovqd %xmm1,%xmm2
vpmovsqd %zmm1,%ymm2
vpmovusqd %zmm1,%ymm2
vpmovdb %zmm1,%xmm2
vpmovdb %zmm1,0x10(%rax)
vpmovdw %zmm1,%ymm2
vpmovqb %zmm1,%xmm2
vpmovqw %zmm1,%xmm2
vpmovwb %zmm1,%ymm2
vpmovswb %zmm1,(%rax)
vpmovzxbd %xmm1,%zmm2
vpmovzxbd (%rax),%zmm2{%k1}
vpmovsxwq %xmm1,%zmm2
vpmovzxdq %ymm1,%zmm2
vpmovm2d %k1,%zmm2
vpmovd2m %zmm1,%k2
vpmovb2m %zmm1,%k2
vpmovm2q %k1,%xmm17
vextracti64x4 $1,%zmm1,%ymm2
vextracti64x4 $1,%zmm1,(%rax)
vextracti64x4 $1,%zmm1,0x20(%rax){%k1}
vextracti32x4 $3,%zmm1,%xmm2
vextracti32x8 $1,%zmm1,%ymm2
vextractf32x4 $1,%ymm1,%xmm2
vextractf64x2 $1,%zmm1,%xmm2{%k1}{z}
vextractf64x4 $0,%zmm1,%ymm2
vextracti128 $1,%ymm1,%xmm2
vextracti128 $1,%ymm17,%xmm2
vinserti32x8 $1,%ymm1,%zmm2,%zmm3
vinserti32x8 $1,(%rax),%zmm2,%zmm3
vinserti64x4 $1,%ymm1,%zmm2,%zmm3{%k1}
vinserti32x4 $2,%xmm1,%zmm2,%zmm3
vinsertf64x2 $1,%xmm1,%ymm2,%ymm3
vinsertf32x4 $1,%xmm1,%ymm2,%ymm3
vinsertf128 $1,%xmm1,%ymm2,%ymm3
vinserti128 $1,%xmm17,%ymm2,%ymm3
vpbroadcastd %eax,%zmm1
vpbroadcastd %eax,%zmm1{%k1}{z}
vpbroadcastq %rax,%zmm1
vpbroadcastb %eax,%zmm1
vpbroadcastw %eax,%ymm17
vpbroadcastd %xmm1,%zmm2
vpbroadcastd (%rax),%zmm2
vpbroadcastd 0x4(%rax),%zmm2
vpbroadcastq %xmm1,%ymm2
vpbroadcastd %xmm1,%xmm2
vpbroadcastd %xmm17,%xmm2
vbroadcastss %xmm1,%zmm2
vbroadcastss (%rax),%zmm2
vbroadcastsd %xmm1,%zmm2
vbroadcastsd %xmm1,%ymm2
vbroadcastsd %xmm1,%ymm17
vbroadcasti32x4 (%rax),%zmm2
vbroadcasti64x4 (%rax),%zmm2
vbroadcastf32x8 (%rax),%zmm2
vbroadcasti32x2 %xmm1,%zmm2
vbroadcasti128 (%rax),%ymm2
vbroadcasti128 (%rax),%ymm17
vpbroadcastmw2d %k1,%zmm2
vpbroadcastmb2q %k1,%zmm2
kmovw %k1,%k2
kmovw (%rax),%k2
kmovw %k2,(%rax)
kmovw %eax,%k2
kmovw %k1,%eax
kmovb %k1,%k2
kmovb %eax,%k2
kmovd %k1,%k2
kmovd %eax,%k2
kmovd %k1,%eax
kmovq %k1,%k2
kmovq %rax,%k2
kmovq %k1,%rax
kmovq (%rax),%k2
kmovq %k2,0x8(%rax)
kandw %k1,%k2,%k3
kandb %k1,%k2,%k3
kandq %k1,%k2,%k3
kandnd %k1,%k2,%k3
korw %k1,%k2,%k3
kxorq %k1,%k2,%k3
kxnorw %k1,%k2,%k3
knotw %k1,%k2
knotq %k1,%k2
kortestw %k1,%k2
kortestq %k1,%k2
ktestd %k1,%k2
kshiftlw $3,%k1,%k2
kshiftrq $63,%k1,%k2
kaddd %k1,%k2,%k3
kunpckbw %k1,%k2,%k3
kunpckdq %k1,%k2,%k3
kmovw %k0,%eax
kmovw %ax,%k1
kmovw %rax,%k1
vpblendmd %zmm1,%zmm2,%zmm3{%k1}
vpblendmb %zmm1,%zmm2,%zmm3{%k1}
vblendmps (%rax){1to16},%zmm2,%zmm3{%k1}
vpmovmskb %ymm1,%eax
vpmovmskb %ymm17,%eax
vpsadbw %zmm1,%zmm2,%zmm3
vdbpsadbw $2,%zmm1,%zmm2,%zmm3
vpunpckldq %zmm1,%zmm2,%zmm3
vunpckhps %zmm1,%zmm2,%zmm3
vpackssdw %zmm1,%zmm2,%zmm3
vpackuswb %zmm1,%zmm2,%zmm3
vpextrd $1,%xmm17,%eax
vpextrq $1,%xmm17,%rax
vpextrb $1,%xmm17,(%rax)
vpinsrd $1,%eax,%xmm17,%xmm18
vpinsrq $1,(%rax),%xmm17,%xmm18
vpinsrw $1,%eax,%xmm1,%xmm2
vextractps $1,%xmm17,%eax
vinsertps $0x10,%xmm17,%xmm18,%xmm19
vaesenc %zmm1,%zmm2,%zmm3
vaesenclast %xmm17,%xmm2,%xmm3
vaesenc %xmm1,%xmm2,%xmm3
vpclmulqdq $0x11,%zmm1,%zmm2,%zmm3
vpclmulqdq $0,%xmm17,%xmm2,%xmm3
vgf2p8affineqb $0,%zmm1,%zmm2,%zmm3
vgf2p8mulb %zmm1,%zmm2,%zmm3
vpshldd $3,%zmm1,%zmm2,%zmm3
vpshrdvq %zmm1,%zmm2,%zmm3
vpshufbitqmb %zmm1,%zmm2,%k1
vpmultishiftqb %zmm1,%zmm2,%zmm3
vpermilps $0x1b,%zmm1,%zmm2
vpermilpd %zmm1,%zmm2,%zmm3
vzeroupper
vpxord %xmm16,%xmm16,%xmm16
vpternlogd $0xff,%zmm0,%zmm0,%zmm0
vmovdqu64 -0x40(%rsi,%rdx,1),%zmm16
vmovdqu64 0x1fc0(%rsi),%zmm16
vmovdqu64 0x2000(%rsi),%zmm16
vmovdqu64 -0x2000(%rsi),%zmm16
vmovdqu64 -0x2040(%rsi),%zmm16
vmovdqu8 0x3f(%rsi),%zmm16
vmovdqu8 0x20(%rsi),%ymm16
vmovdqu8 0x7f0(%rsi),%xmm16
vmovdqu8 0x800(%rsi),%xmm16
vmovss 0x1fc(%rax),%xmm16
vmovss 0x200(%rax),%xmm16
vmovsd 0x3f8(%rax),%xmm16
vpbroadcastq 0x3f8(%rax),%zmm16
vpaddd 0x1fc(%rax){1to16},%zmm2,%zmm3
vpaddd 0x200(%rax){1to16},%zmm2,%zmm3
{evex} vpaddd %xmm1,%xmm2,%xmm3
{evex} vmovdqu %xmm1,%xmm2
{evex} vmovdqa (%rax),%ymm2
{evex} vpxor %xmm1,%xmm2,%xmm3
{evex} vaddss %xmm1,%xmm2,%xmm3
{evex} vcvtsi2sd %eax,%xmm2,%xmm3
{evex} vmovd %eax,%xmm1
{evex} vmovq %xmm1,%xmm2
{evex} vmovq %rax,%xmm1
{evex} vpextrw $1,%xmm1,%eax
{evex} vpinsrb $1,%eax,%xmm1,%xmm2
{evex} vpbroadcastd %xmm1,%ymm2
{evex} vpmovzxbw %xmm1,%ymm2
{evex} vextracti128 $1,%ymm1,%xmm2
{evex} vpsllq $1,%xmm1,%xmm2
{evex} add %eax,%ebx
{evex} kmovw %k1,%k2
{vex} vpaddd %xmm17,%xmm2,%xmm3
{vex3} vpaddd %xmm1,%xmm2,%xmm3
{vex} vpaddd %xmm1,%xmm2,%xmm3
{vex} vpaddd %xmm1,%xmm2,%xmm3{%k1}
{evex} vpcmpeqd %xmm1,%xmm2,%xmm3
vpmaddubsw %zmm1,%zmm2,%zmm3
vpavgb %zmm1,%zmm2,%zmm3
vpsubusb %zmm1,%zmm2,%zmm3
vpmulhrsw %zmm1,%zmm2,%zmm3
vpmovzxbw %ymm1,%zmm2
vpsrlw $4,%zmm1,%zmm2
vpsllw %xmm1,%zmm2,%zmm3
vcvtne2ps2bf16 %zmm1,%zmm2,%zmm3
vcvtneps2bf16 %zmm1,%ymm2
vdpbf16ps %zmm1,%zmm2,%zmm3
vp2intersectd %zmm1,%zmm2,%k2
vpdpbusds %xmm1,%xmm2,%xmm3
{evex} vpdpbusd %xmm1,%xmm2,%xmm3
vpdpbusd %xmm1,%xmm2,%xmm3
vaddph %zmm1,%zmm2,%zmm3
vaddph (%rax){1to32},%zmm2,%zmm3
vcvtph2psx %ymm1,%zmm2
vmovw %eax,%xmm1
vfmadd231ph {rn-sae},%zmm1,%zmm2,%zmm3
vcmpeqph %zmm1,%zmm2,%k1
vfpclassphz $4,(%rax),%k1
{vex} vpdpbusd %xmm1,%xmm2,%xmm3
vpdpwssds %ymm1,%ymm2,%ymm3
{vex} vpdpwssds %ymm1,%ymm2,%ymm3
vpmadd52luq %xmm1,%xmm2,%xmm3
{vex} vpmadd52luq %xmm1,%xmm2,%xmm3
vcvtneps2bf16 %xmm1,%xmm2
{vex} vcvtneps2bf16 %xmm1,%xmm2
vcvtneps2bf16 %ymm1,%xmm2
vp2intersectd %zmm1,%zmm2,%k3
vp2intersectq %xmm1,%xmm2,%k0
vgf2p8mulb %xmm1,%xmm2,%xmm3
vaesenc %ymm1,%ymm2,%ymm3
vpclmulqdq $1,%ymm1,%ymm2,%ymm3
vgf2p8affineqb $1,%xmm1,%xmm2,%xmm3
vpdpbssd %xmm1,%xmm2,%xmm3
vpmadd52huq %ymm1,%ymm2,%ymm3
v4fmaddps (%rax),%zmm4,%zmm1
vp4dpwssd (%rax),%zmm4,%zmm1
{disp32} vaddps 0x40(%rax),%zmm2,%zmm3
{disp8} vaddps 0x100(%rax),%zmm2,%zmm3
{disp8} vaddps 0x101(%rax),%zmm2,%zmm3
{disp8} vaddps (%rax),%zmm2,%zmm3
{disp32} vaddps (%rax),%zmm2,%zmm3
{disp32} vaddps (%rbp),%zmm2,%zmm3
{disp8} vaddps 0x101(%rax),%xmm2,%xmm3
{evex} {disp32} vaddps 0x40(%rax),%xmm2,%xmm3
{vex3} vaddps %zmm1,%zmm2,%zmm3
{vex2} vaddps %xmm1,%xmm2,%xmm3
vaddps (%rax){1TO16},%zmm1,%zmm2
vaddps 0x40(%rax){1to16},%zmm2,%zmm3{%k1}{z}
lock vaddps %zmm1,%zmm2,%zmm3
vaddps %zmm1,%zmm2,%zmm3{%k1}{%k2}
vaddps %zmm1,%zmm2,%zmm3{z}{z}
vaddps (%rax){1to16}{1to16},%zmm2,%zmm3
vaddps {rn-sae},{rn-sae},%zmm1,%zmm2,%zmm3
vaddps $1{%k1},%zmm2,%zmm3
vpaddd foo(%rip),%zmm1,%zmm2
vpaddd foo+0x40(%rax),%zmm1,%zmm2
vpaddd 0x40(%rax,%rbx,2),%zmm1,%zmm2
{evex} vpaddd 0x40,%xmm1,%xmm2
vpaddd %fs:0x40(%rax),%zmm1,%zmm2
addr32 vpaddd 0x40(%eax),%zmm1,%zmm2
vpaddd 0x40(%eax),%zmm1,%zmm2
v4fmaddps (%rax),%zmm5,%zmm1
v4fnmaddss (%rax),%xmm7,%xmm1
vp4dpwssds 0x40(%rax),%zmm8,%zmm1
pinsrw $0,%rax,%xmm1
pextrw $0,%xmm1,%rax
pextrb $0,%xmm1,%rax
pinsrb $0,%rax,%xmm1
vpextrw $0,%xmm1,%rax
vpinsrb $0,%r9,%xmm17,%xmm1
vpinsrw $0,%rax,%xmm8,%xmm11
extractps $1,%xmm1,%rax
vextractps $1,%xmm1,%rax
vextractps $1,%xmm17,%rax
extractps $1,%xmm1,(%rax)
vgatherdps %xmm1,(%rax,%xmm1,4),%xmm2
vgatherdps %xmm2,(%rax,%xmm1,4),%xmm2
vpgatherdd (%rax,%zmm1,4),%zmm1{%k1}
vfmaddcph %zmm1,%zmm2,%zmm1
vfmaddcph %zmm1,%zmm2,%zmm3
vcvtdq2pd {rn-sae},%ymm1,%zmm2
vcvtudq2pd {sae},%ymm1,%zmm2
vmovw %xmm1,%rax
vmovw %xmm1,(%rax)
vpclmulhqhqdq %zmm1,%zmm2,%zmm3
pclmullqhqdq %xmm1,%xmm2
vaddps foo(%rip),%zmm1,%zmm2
vmovdqu64 foo+0x40(%rax),%zmm1
vpbroadcastd foo(%rip),%zmm1
vaddps foo(%rip){1to16},%zmm1,%zmm2
vaddps foo,%zmm1,%zmm2
vpternlogd $0x11,foo(%rip),%zmm1,%zmm2
vcmpps $1,foo-0x40(%rip),%zmm1,%k1
vfpclassphx $4,(%rax),%k1
vfpclasspsx $4,%zmm1,%k1
vfpclasspsz $4,%zmm1,%k1
`);

/** Intel lines. */
export const AVX512_INTEL = lines(`
vaddps zmm3,zmm2,zmm1
vaddps zmm31,zmm25,zmm17
vaddpd zmm3{k7},zmm2,zmm1
vaddpd zmm3{k7}{z},zmm2,zmm1
vaddpd zmm3,zmm2,QWORD BCST [rax]
vaddpd ymm3,ymm2,QWORD BCST [rax]
vaddpd xmm3,xmm2,QWORD BCST [rax]
vaddps xmm3,xmm2,DWORD BCST [rax]
vaddps ymm3,ymm18,DWORD BCST [rax]
vaddpd zmm3,zmm2,zmm1{rz-sae}
vaddpd zmm3{k1}{z},zmm2,zmm1{ru-sae}
vaddpd zmm3,zmm2,zmm1{rd-sae}
vaddsd xmm3,xmm2,xmm1{rn-sae}
vaddsd xmm3{k2},xmm2,xmm21{rz-sae}
vaddss xmm3{k1},xmm2,DWORD PTR [rax+0x100]
vsubps zmm3,zmm2,zmm1
vmulps zmm3,zmm2,ZMMWORD PTR [rsp+0x40]
vdivps zmm3,zmm2,ZMMWORD PTR [rbp+rcx*8-0x40]
vsqrtps zmm2,zmm1{rn-sae}
vsqrtpd zmm2,QWORD BCST [rax]
vmaxps zmm3,zmm2,zmm1{sae}
vminpd zmm3,zmm2,zmm1{sae}
vmaxss xmm3,xmm2,xmm1{sae}
vmovups zmm2,zmm1
vmovups zmm2,ZMMWORD PTR [rax]
vmovups ZMMWORD PTR [rax],zmm2
vmovups ZMMWORD PTR [rax]{k1},zmm2
vmovups zmm2{k1}{z},ZMMWORD PTR [rax]
vmovaps zmm2,zmm16
vmovapd zmm2,ZMMWORD PTR [rax+0x40]
vmovupd YMMWORD PTR [rax],ymm17
vmovdqu8 zmm2{k1},zmm1
vmovdqu16 zmm2{k1}{z},ZMMWORD PTR [rax]
vmovdqu32 ZMMWORD PTR [rax+0x40],zmm2
vmovdqu64 ZMMWORD PTR [rax+0x40]{k3},zmm2
vmovdqa32 zmm2,zmm1
vmovdqa64 ymm22,YMMWORD PTR [rax]
vmovdqu xmm2,xmm1
vmovntdq ZMMWORD PTR [rax],zmm1
vmovntdqa zmm1,ZMMWORD PTR [rax]
vmovd xmm17,eax
vmovd eax,xmm17
vmovd DWORD PTR [rax],xmm17
vmovq xmm17,rax
vmovq rax,xmm17
vmovq xmm18,xmm17
vmovq xmm18,xmm1
vmovq xmm17,QWORD PTR [rax]
vmovq QWORD PTR [rax],xmm17
vmovss xmm19,xmm18,xmm17
vmovss xmm17{k1}{z},DWORD PTR [rax]
vmovss DWORD PTR [rax]{k1},xmm17
vmovsd xmm3{k1},xmm2,xmm1
vmovhps xmm18,xmm17,QWORD PTR [rax]
vmovlps QWORD PTR [rax],xmm17
vpaddd zmm3,zmm2,zmm1
vpaddd zmm3{k1},zmm2,DWORD BCST [rax]
vpaddq zmm3,zmm2,QWORD BCST [rax]
vpaddb zmm3{k1},zmm2,zmm1
vpaddw zmm3,zmm2,ZMMWORD PTR [rax+0x40]
vpandd zmm3,zmm2,zmm1
vpandq zmm3,zmm2,QWORD BCST [rax]
vpandnd zmm3,zmm2,zmm1
vpord xmm3,xmm2,xmm1
vporq ymm3,ymm2,ymm1
vpxord zmm3,zmm2,zmm1
vpxorq zmm17,zmm17,zmm17
vpternlogd zmm3,zmm2,zmm1,0xff
vpternlogq zmm3{k1}{z},zmm2,QWORD BCST [rax],0x96
vpternlogd xmm3,xmm2,xmm1,0xca
vpermt2d zmm3,zmm2,zmm1
vpermt2q zmm3,zmm2,ZMMWORD PTR [rax]
vpermi2d zmm3,zmm2,zmm1
vpermt2b zmm3,zmm2,zmm1
vpermt2w zmm3,zmm2,zmm1
vpermd zmm3,zmm2,zmm1
vpermq zmm2,zmm1,0x4e
vpermq zmm3,zmm2,zmm1
vpermps zmm3,zmm2,zmm1
vpermb zmm3,zmm2,zmm1
vpshufb zmm3,zmm2,zmm1
vpshufd zmm2,zmm1,0x1b
vpshufd zmm2,DWORD BCST [rax],0x1b
vshufps zmm3,zmm2,zmm1,0x44
vshufi32x4 zmm3,zmm2,zmm1,0x44
vshuff64x2 zmm3,zmm2,zmm1,0xee
valignd zmm3,zmm2,zmm1,0x3
valignq zmm3,zmm2,zmm1,0x1
vpalignr zmm3,zmm2,zmm1,0x8
vpsrldq zmm2,zmm1,0x4
vpslldq zmm2,ZMMWORD PTR [rax],0x4
vpsrld zmm2,zmm1,0x3
vpsrld zmm2,DWORD BCST [rax],0x3
vpsrld zmm3,zmm2,xmm1
vpsllvd zmm3,zmm2,zmm1
vpsravq zmm3,zmm2,zmm1
vpsraq zmm2,zmm1,0x2
vprold zmm2,zmm1,0x5
vprorvq zmm3,zmm2,zmm1
vpminud zmm3,zmm2,zmm1
vpmaxsq zmm3,zmm2,zmm1
vpminub zmm3{k1},zmm2,zmm1
vpabsq zmm2,zmm1
vpabsb zmm2,zmm1
vplzcntd zmm2,zmm1
vpconflictd zmm2,zmm1
vpopcntd zmm2,zmm1
vpopcntb zmm2,zmm1
vpmullq zmm3,zmm2,zmm1
vpmulld zmm3,zmm2,zmm1
vpmuludq zmm3,zmm2,zmm1
vpmadd52luq zmm3,zmm2,zmm1
vpmadd52huq zmm3,zmm2,QWORD BCST [rax]
vpdpbusd zmm3,zmm2,zmm1
vpdpwssd zmm3,zmm2,zmm1
vpcmpeqb k1,zmm2,zmm1
vpcmpeqb k1{k2},zmm2,zmm1
vpcmpeqw k1,zmm2,ZMMWORD PTR [rax]
vpcmpeqq k1,zmm2,QWORD BCST [rax]
vpcmpgtd k1,zmm2,zmm1
vpcmpgtb k5,ymm2,ymm1
vpcmpled k1,zmm2,zmm1
vpcmpnleud k1{k3},zmm2,DWORD BCST [rax]
vpcmpltub k1,zmm2,zmm1
vpcmpleb k1,zmm2,zmm1
vpcmpneqb k1,zmm2,zmm1
vpcmpnltuq k1,zmm2,zmm1
vpcmpnleuw k1,ymm2,ymm1
vpcmpequb k1,xmm2,xmm1
vpcmpeqd xmm3,xmm2,xmm1
vpcmpeqd k3,xmm2,xmm1
vpcmpeqd k3,xmm2,xmm17
vptestmb k1,zmm2,zmm1
vptestmd k1{k2},zmm2,zmm1
vptestnmq k1,zmm2,QWORD BCST [rax]
vptestnmb k1,ymm2,ymm1
vcmpeqps k1,zmm2,zmm1
vcmptrue_usps k1{k2},zmm2,DWORD BCST [rax]
vcmpeqps k1,zmm2,zmm1{sae}
vcmpltpd k1,zmm2,zmm1
vcmpneq_oqps k1,xmm2,xmm1
vcmpunordsd k1,xmm2,xmm1
vcmpeqss k1,xmm2,xmm1{sae}
vcmpltps xmm3,xmm2,xmm1
vfpclassps k1,zmm1,0x4
vfpclasspd k1,QWORD BCST [rax]{1to8},0x22
vfpclassps k1,ZMMWORD PTR [rax],0x4
vfpclassps k1,XMMWORD PTR [rax],0x4
vfpclassps k1,YMMWORD PTR [rax],0x4
vfpclassss k1,xmm1,0x4
vfmadd231ps zmm3,zmm2,zmm1
vfmadd231ps zmm3,zmm2,zmm1{rn-sae}
vfmadd213pd zmm3{k1},zmm2,QWORD BCST [rax]
vfmadd132ps xmm3,xmm2,xmm1
vfmadd132ps xmm3,xmm2,xmm17
vfnmadd231sd xmm3,xmm2,xmm1{rd-sae}
vfmsub213ps zmm3,zmm2,zmm1
vfmaddsub231pd zmm3,zmm2,zmm1
vrcp14ps zmm2,zmm1
vrsqrt14pd zmm2,ZMMWORD PTR [rax]
vrcp14ss xmm3,xmm2,xmm1
vgetexpps zmm2,zmm1{sae}
vgetmantps zmm2,zmm1{sae},0x4
vrndscaleps zmm2,zmm1,0x4
vrndscalepd zmm2,zmm1{sae},0x4
vrndscalesd xmm3,xmm2,xmm1,0x4
vreduceps zmm2,zmm1,0x4
vrangeps zmm3,zmm2,zmm1,0x4
vscalefps zmm3,zmm2,zmm1
vscalefps zmm3,zmm2,zmm1{rn-sae}
vfixupimmps zmm3,zmm2,zmm1,0x4
vcvtps2pd zmm2,ymm1
vcvtps2pd zmm2,ymm1{sae}
vcvtps2pd zmm2,DWORD BCST [rax]
vcvtpd2ps ymm2,zmm1
vcvtpd2ps ymm2,zmm1{rn-sae}
vcvtpd2ps xmm2,ymm1
vcvtpd2ps xmm2,ymm17
vcvtpd2ps xmm2,xmm1
vcvtpd2ps xmm2,XMMWORD PTR [rax]
vcvtpd2ps xmm2,YMMWORD PTR [rax]
vcvtpd2ps xmm17,XMMWORD PTR [rax]
vcvtpd2ps xmm17,QWORD BCST [rax]{1to4}
vcvtpd2ps xmm17,QWORD BCST [rax]{1to2}
vcvtpd2dq xmm2,XMMWORD PTR [rax]
vcvtpd2dq xmm2,QWORD BCST [rax]{1to4}
vcvttpd2dq xmm2,XMMWORD PTR [rax]
vcvtpd2udq ymm2,zmm1
vcvtpd2udq xmm2,XMMWORD PTR [rax]
vcvtqq2ps ymm2,zmm1
vcvtqq2ps xmm2,YMMWORD PTR [rax]
vcvtuqq2ps xmm2,QWORD BCST [rax]{1to2}
vcvtdq2ps zmm2,zmm1
vcvtdq2ps zmm2,zmm1{rn-sae}
vcvtudq2ps zmm2,zmm1
vcvtps2dq zmm2,zmm1{rz-sae}
vcvttps2dq zmm2,zmm1{sae}
vcvttps2udq zmm2,zmm1
vcvtps2qq zmm2,ymm1
vcvttpd2qq zmm2,zmm1{sae}
vcvtqq2pd zmm2,zmm1
vcvtps2ph ymm2,zmm1,0x0
vcvtps2ph ymm2,zmm1{sae},0x0
vcvtps2ph YMMWORD PTR [rax]{k1},zmm1,0x4
vcvtph2ps zmm2,ymm1
vcvtph2ps zmm2,ymm1{sae}
vcvtsd2ss xmm3,xmm2,xmm1{rn-sae}
vcvtss2sd xmm3,xmm2,xmm1{sae}
vcvtsi2sd xmm18,xmm17,eax
vcvtsi2sd xmm18,xmm17,DWORD PTR [rax]
vcvtsi2sd xmm18,xmm17,QWORD PTR [rax]
vcvtsi2ss xmm1,xmm2,rax{rn-sae}
vcvtsi2sd xmm1,xmm2,rax{rz-sae}
vcvtusi2sd xmm1,xmm2,eax
vcvtusi2ss xmm1,xmm2,rax{rd-sae}
vcvtusi2sd xmm1,xmm2,DWORD PTR [rax]
vcvtss2si eax,xmm1{rn-sae}
vcvttss2si rax,xmm1{sae}
vcvtsd2usi eax,xmm1
vcvttsd2usi rax,xmm1{sae}
vcvtss2usi eax,DWORD PTR [rax]
vcvtss2si eax,xmm17
vgatherdps zmm2{k1},DWORD PTR [rax+zmm1*4]
vgatherdps zmm2{k1},DWORD PTR [rax+zmm1*4+0x40]
vgatherdps zmm2{k1},DWORD PTR [rax+zmm1*4+0x44]
vgatherdps xmm2{k1},DWORD PTR [rax+xmm17*4]
vgatherdps ymm2{k1},DWORD PTR [rax+ymm17*4]
vgatherdps xmm2{k1},DWORD PTR [rax+xmm1*4]
vgatherdps xmm2,DWORD PTR [rax+xmm1*4],xmm3
vgatherdpd zmm2{k1},QWORD PTR [rax+ymm1*8]
vgatherqps ymm2{k1},DWORD PTR [rax+zmm1*4]
vgatherqpd zmm2{k1},QWORD PTR [rax+zmm1*8]
vpgatherdd zmm2{k1},DWORD PTR [rax+zmm1*4]
vpgatherdq zmm2{k1},QWORD PTR [rax+ymm1*8]
vpgatherqd ymm2{k1},DWORD PTR [rax+zmm1*4]
vpgatherqq zmm2{k1},QWORD PTR [rax+zmm1*8+0x8]
vpscatterdd DWORD PTR [rax+zmm1*4]{k1},zmm2
vpscatterdq QWORD PTR [rax+ymm1*8]{k1},zmm2
vpscatterqd DWORD PTR [rax+zmm1*4]{k1},ymm2
vpscatterqq QWORD PTR [rax+zmm1*8]{k1},zmm2
vscatterdps DWORD PTR [rax+zmm1*4]{k1},zmm2
vscatterqpd QWORD PTR [rax+zmm1*8+0x80]{k1},zmm2
vgatherdps zmm30{k7},DWORD PTR [r8+zmm25*4]
vgatherdps zmm2{k1},DWORD PTR [eax+zmm1*4]
vgatherdps zmm2{k1},DWORD PTR [zmm1*4+0x0]
vgatherdps zmm2{k1},DWORD PTR [zmm1*4+0x100]
vpcompressd zmm2,zmm1
vpcompressd ZMMWORD PTR [rax]{k1},zmm1
vpcompressd zmm2{k1}{z},zmm1
vpcompressq ZMMWORD PTR [rax+0x40],zmm1
vpcompressq ZMMWORD PTR [rax+0x8],zmm1
vcompressps zmm2{k1},zmm1
vcompresspd YMMWORD PTR [rax],ymm1
vpcompressb zmm2,zmm1
vpexpandd zmm2{k1}{z},ZMMWORD PTR [rax]
vpexpandq zmm2,zmm1
vexpandps zmm2{k1},ZMMWORD PTR [rax+0x4]
vexpandpd zmm2{k1},zmm1
vpexpandw zmm2,zmm1
vpmovqd ymm2,zmm1
vpmovqd YMMWORD PTR [rax],zmm1
vpmovqd YMMWORD PTR [rax+0x20]{k1},zmm1
vpmovqd ymm2{k1}{z},zmm1
vpmovqd xmm2,ymm1
vpmovqd xmm2,xmm1
vpmovsqd ymm2,zmm1
vpmovusqd ymm2,zmm1
vpmovdb xmm2,zmm1
vpmovdb XMMWORD PTR [rax+0x10],zmm1
vpmovdw ymm2,zmm1
vpmovqb xmm2,zmm1
vpmovqw xmm2,zmm1
vpmovwb ymm2,zmm1
vpmovswb YMMWORD PTR [rax],zmm1
vpmovzxbd zmm2,xmm1
vpmovzxbd zmm2{k1},XMMWORD PTR [rax]
vpmovsxwq zmm2,xmm1
vpmovzxdq zmm2,ymm1
vpmovm2d zmm2,k1
vpmovd2m k2,zmm1
vpmovb2m k2,zmm1
vpmovm2q xmm17,k1
vextracti64x4 ymm2,zmm1,0x1
vextracti64x4 YMMWORD PTR [rax],zmm1,0x1
vextracti64x4 YMMWORD PTR [rax+0x20]{k1},zmm1,0x1
vextracti32x4 xmm2,zmm1,0x3
vextracti32x8 ymm2,zmm1,0x1
vextractf32x4 xmm2,ymm1,0x1
vextractf64x2 xmm2{k1}{z},zmm1,0x1
vextractf64x4 ymm2,zmm1,0x0
vextracti128 xmm2,ymm1,0x1
vinserti32x8 zmm3,zmm2,ymm1,0x1
vinserti32x8 zmm3,zmm2,YMMWORD PTR [rax],0x1
vinserti64x4 zmm3{k1},zmm2,ymm1,0x1
vinserti32x4 zmm3,zmm2,xmm1,0x2
vinsertf64x2 ymm3,ymm2,xmm1,0x1
vinsertf32x4 ymm3,ymm2,xmm1,0x1
vinsertf128 ymm3,ymm2,xmm1,0x1
vpbroadcastd zmm1,eax
vpbroadcastd zmm1{k1}{z},eax
vpbroadcastq zmm1,rax
vpbroadcastb zmm1,eax
vpbroadcastw ymm17,eax
vpbroadcastd zmm2,xmm1
vpbroadcastd zmm2,DWORD PTR [rax]
vpbroadcastd zmm2,DWORD PTR [rax+0x4]
vpbroadcastq ymm2,xmm1
vpbroadcastd xmm2,xmm1
vpbroadcastd xmm2,xmm17
vbroadcastss zmm2,xmm1
vbroadcastss zmm2,DWORD PTR [rax]
vbroadcastsd zmm2,xmm1
vbroadcastsd ymm2,xmm1
vbroadcastsd ymm17,xmm1
vbroadcasti32x4 zmm2,XMMWORD PTR [rax]
vbroadcasti64x4 zmm2,YMMWORD PTR [rax]
vbroadcastf32x8 zmm2,YMMWORD PTR [rax]
vbroadcasti32x2 zmm2,xmm1
vbroadcasti128 ymm2,XMMWORD PTR [rax]
vpbroadcastmw2d zmm2,k1
vpbroadcastmb2q zmm2,k1
kmovw k2,k1
kmovw k2,WORD PTR [rax]
kmovw WORD PTR [rax],k2
kmovw k2,eax
kmovw eax,k1
kmovb k2,k1
kmovb k2,eax
kmovd k2,k1
kmovd k2,eax
kmovd eax,k1
kmovq k2,k1
kmovq k2,rax
kmovq rax,k1
kmovq k2,QWORD PTR [rax]
kmovq QWORD PTR [rax+0x8],k2
kandw k3,k2,k1
kandb k3,k2,k1
kandq k3,k2,k1
kandnd k3,k2,k1
korw k3,k2,k1
kxorq k3,k2,k1
kxnorw k3,k2,k1
knotw k2,k1
knotq k2,k1
kortestw k2,k1
kortestq k2,k1
ktestd k2,k1
kshiftlw k2,k1,0x3
kshiftrq k2,k1,0x3f
kaddd k3,k2,k1
kunpckbw k3,k2,k1
kunpckdq k3,k2,k1
kmovw eax,k0
vpblendmd zmm3{k1},zmm2,zmm1
vpblendmb zmm3{k1},zmm2,zmm1
vblendmps zmm3{k1},zmm2,DWORD BCST [rax]
vpmovmskb eax,ymm1
vpsadbw zmm3,zmm2,zmm1
vdbpsadbw zmm3,zmm2,zmm1,0x2
vpunpckldq zmm3,zmm2,zmm1
vunpckhps zmm3,zmm2,zmm1
vpackssdw zmm3,zmm2,zmm1
vpackuswb zmm3,zmm2,zmm1
vpextrd eax,xmm17,0x1
vpextrq rax,xmm17,0x1
vpextrb BYTE PTR [rax],xmm17,0x1
vpinsrd xmm18,xmm17,eax,0x1
vpinsrq xmm18,xmm17,QWORD PTR [rax],0x1
vpinsrw xmm2,xmm1,eax,0x1
vextractps eax,xmm17,0x1
vinsertps xmm19,xmm18,xmm17,0x10
vaesenc zmm3,zmm2,zmm1
vaesenclast xmm3,xmm2,xmm17
vaesenc xmm3,xmm2,xmm1
vpclmulhqhqdq zmm3,zmm2,zmm1
vpclmullqlqdq xmm3,xmm2,xmm17
vgf2p8affineqb zmm3,zmm2,zmm1,0x0
vgf2p8mulb zmm3,zmm2,zmm1
vpshldd zmm3,zmm2,zmm1,0x3
vpshrdvq zmm3,zmm2,zmm1
vpshufbitqmb k1,zmm2,zmm1
vpmultishiftqb zmm3,zmm2,zmm1
vpermilps zmm2,zmm1,0x1b
vpermilpd zmm3,zmm2,zmm1
vzeroupper
vpxord xmm16,xmm16,xmm16
vpternlogd zmm0,zmm0,zmm0,0xff
vmovdqu64 zmm16,ZMMWORD PTR [rsi+rdx*1-0x40]
vmovdqu64 zmm16,ZMMWORD PTR [rsi+0x1fc0]
vmovdqu64 zmm16,ZMMWORD PTR [rsi+0x2000]
vmovdqu64 zmm16,ZMMWORD PTR [rsi-0x2000]
vmovdqu64 zmm16,ZMMWORD PTR [rsi-0x2040]
vmovdqu8 zmm16,ZMMWORD PTR [rsi+0x3f]
vmovdqu8 ymm16,YMMWORD PTR [rsi+0x20]
vmovdqu8 xmm16,XMMWORD PTR [rsi+0x7f0]
vmovdqu8 xmm16,XMMWORD PTR [rsi+0x800]
vmovss xmm16,DWORD PTR [rax+0x1fc]
vmovss xmm16,DWORD PTR [rax+0x200]
vmovsd xmm16,QWORD PTR [rax+0x3f8]
vpbroadcastq zmm16,QWORD PTR [rax+0x3f8]
vpaddd zmm3,zmm2,DWORD BCST [rax+0x1fc]
vpaddd zmm3,zmm2,DWORD BCST [rax+0x200]
{evex} vpaddd xmm3,xmm2,xmm1
{evex} vaddss xmm3,xmm2,xmm1
{evex} vcvtsi2sd xmm3,xmm2,eax
{evex} vmovd xmm1,eax
{evex} vmovq xmm2,xmm1
{evex} vmovq xmm1,rax
{evex} vpextrw eax,xmm1,0x1
{evex} vpinsrb xmm2,xmm1,eax,0x1
{evex} vpbroadcastd ymm2,xmm1
{evex} vpmovzxbw ymm2,xmm1
{evex} vpsllq xmm2,xmm1,0x1
vpaddd xmm3,xmm2,xmm1
vpmaddubsw zmm3,zmm2,zmm1
vpavgb zmm3,zmm2,zmm1
vpsubusb zmm3,zmm2,zmm1
vpmulhrsw zmm3,zmm2,zmm1
vpmovzxbw zmm2,ymm1
vpsrlw zmm2,zmm1,0x4
vpsllw zmm3,zmm2,xmm1
vcvtne2ps2bf16 zmm3,zmm2,zmm1
vcvtneps2bf16 ymm2,zmm1
vdpbf16ps zmm3,zmm2,zmm1
vp2intersectd k2,zmm2,zmm1
vpdpbusds xmm3,xmm2,xmm1
vpdpbusd xmm3,xmm2,xmm1
vaddph zmm3,zmm2,zmm1
vaddph zmm3,zmm2,WORD BCST [rax]
vcvtph2psx zmm2,ymm1
vmovw xmm1,eax
vfmadd231ph zmm3,zmm2,zmm1{rn-sae}
vcmpeqph k1,zmm2,zmm1
vfpclassph k1,ZMMWORD PTR [rax],0x4
{vex} vpdpbusd xmm3,xmm2,xmm1
vpdpwssds ymm3,ymm2,ymm1
{vex} vpdpwssds ymm3,ymm2,ymm1
vpmadd52luq xmm3,xmm2,xmm1
{vex} vpmadd52luq xmm3,xmm2,xmm1
vcvtneps2bf16 xmm2,xmm1
{vex} vcvtneps2bf16 xmm2,xmm1
vcvtneps2bf16 xmm2,ymm1
vp2intersectd k3,zmm2,zmm1
vp2intersectq k0,xmm2,xmm1
vgf2p8mulb xmm3,xmm2,xmm1
vaesenc ymm3,ymm2,ymm1
vpclmulhqlqdq ymm3,ymm2,ymm1
vgf2p8affineqb xmm3,xmm2,xmm1,0x1
vpdpbssd xmm3,xmm2,xmm1
vpmadd52huq ymm3,ymm2,ymm1
vaddps zmm3{k1},zmm2,zmm1
vaddps zmm3{k1}{z},zmm2,zmm1
vaddps zmm3{z}{k1},zmm2,zmm1
vaddps zmm3 {k1} {z},zmm2,zmm1
vaddps zmm3,zmm2,[rax]{1to16}
vaddps zmm3,zmm2,[rax+0x40]{1to16}
vaddps zmm3,zmm2,DWORD BCST [rax]
vaddps zmm3,zmm2,dword bcst [rax+0x100]
vaddps zmm3,zmm2,DWORD PTR [rax]{1to16}
vaddps zmm3,zmm2,QWORD BCST [rax]
vaddps zmm3,zmm2,QWORD PTR [rax]{1to16}
vaddps zmm3,zmm2,[rax]{1to8}
vaddps zmm3,zmm2,ZMMWORD PTR [rax]
vaddps zmm3,zmm2,ZMMWORD PTR [rax]{1to16}
vaddps zmm3,zmm2,[rax]
vaddps zmm3,zmm2,[rax+0x100]
vaddps zmm3,zmm2,XMMWORD PTR [rax]
vaddps ymm3,ymm2,DWORD BCST [rax]
vaddpd zmm3,zmm2,DWORD BCST [rax]
vaddps zmm3,zmm2,zmm1,{rn-sae}
vaddps zmm3,zmm2,zmm1{rn-sae}
vaddps zmm3,zmm2,zmm1 {rd-sae}
vaddps zmm3,zmm2,{rn-sae},zmm1
vaddps zmm3,zmm2,zmm1,{sae}
vmaxps zmm3,zmm2,zmm1,{sae}
vaddss xmm3,xmm2,xmm1,{rz-sae}
vaddss xmm3,xmm2,DWORD PTR [rax]
vaddss xmm3{k1}{z},xmm2,DWORD PTR [rax+0x4]
vaddss xmm3,xmm22,[rax]
vaddss xmm3,xmm22,QWORD PTR [rax]
vcmpps k1,zmm2,zmm1,{sae},0
vcmpps k1,zmm2,zmm1,0,{sae}
vcmpps k1{k2},zmm2,DWORD BCST [rax],1
vcmpngt_uqpd k1,zmm2,[rax]{1to8}
vpcmpeqd k1,zmm2,zmm1
vpcmpltud k1{k7},zmm2,zmm1
vpcmpd k1,zmm2,zmm1,5
vcvtpd2ps ymm1,[rax]{1to8}
vcvtpd2ps xmm1,[rax]{1to4}
vcvtpd2ps xmm1,[rax]{1to2}
vcvtpd2ps xmm1,QWORD BCST [rax]
vcvtpd2ps xmm1,[rax]
vcvtpd2ps xmm1,XMMWORD PTR [rax]
vcvtpd2ps xmm1,YMMWORD PTR [rax]
vcvtpd2ps xmm17,YMMWORD PTR [rax]
vcvtpd2ps ymm1,[rax]
vcvtpd2ps ymm1,ZMMWORD PTR [rax]
vcvtpd2ps ymm1,zmm2,{rn-sae}
vcvtsi2ss xmm1,xmm2,rax,{rn-sae}
vcvtsi2ss xmm1,xmm2,{rn-sae},rax
vcvtsi2ss xmm1,xmm2,eax,{rn-sae}
vcvtsi2sd xmm17,xmm2,DWORD PTR [rax]
vcvtusi2sd xmm1,xmm2,QWORD PTR [rax]
vcvttss2si eax,xmm1,{sae}
vcvtss2si rax,xmm1,{rd-sae}
vmovups [rax]{k1},zmm1
vmovups [rax]{k1}{z},zmm1
vmovups zmm1{k1}{z},[rax]
vmovups ZMMWORD PTR [rax],zmm1
vmovdqu64 zmm16,[rsi+rdx*1-0x40]
vgatherdps zmm2{k1},[rax+zmm1*4]
vgatherdps zmm2{k1},[rax+zmm1*4+0x40]
vgatherdps zmm2,[rax+zmm1*4]
vpscatterdd [rax+zmm1*4]{k1},zmm2
vpscatterqq QWORD PTR [r8+zmm25*8+0x8]{k7},zmm30
vgatherqps ymm2{k1},[rax+zmm1*4]
vpcompressd [rax]{k1},zmm1
vpexpandd zmm2{k1}{z},[rax]
vpmovqd [rax]{k1},zmm1
vextracti64x4 ymm2,zmm1,1
vextracti64x4 [rax]{k1},zmm1,1
vinserti32x8 zmm3,zmm2,ymm1,1
vinserti32x8 zmm3{k1}{z},zmm2,[rax],1
vpternlogq zmm3,zmm2,[rax]{1to8},0x96
vpbroadcastd zmm1,DWORD PTR [rax]
vpbroadcastd zmm1,[rax]
kmovw k1,WORD PTR [rax]
kmovw k1,[rax]
kmovd k1,eax
kshiftlw k2,k1,3
vfpclassps k1,zmm1,4
vfpclassps k1,ZMMWORD PTR [rax],4
vfpclassps k1,[rax],4
vfpclassps k1,DWORD BCST [rax],4
vfpclassps k1,[rax]{1to16},4
vfpclassps k1{k2},[rax]{1to4},4
vfmadd231ps zmm3,zmm2,zmm1,{rn-sae}
vfmadd231ps zmm3{k1},zmm2,DWORD BCST [rax+0x40]
vgetmantps zmm2,zmm1,{sae},4
vgetmantps zmm2,zmm1,4,{sae}
vrndscalepd zmm2{k1}{z},zmm1,{sae},4
vcvtps2ph ymm2,zmm1,{sae},0
vcvtps2ph YMMWORD PTR [rax]{k1},zmm1,4
{evex} vaddps xmm3,xmm2,XMMWORD PTR [rax+0x100]
{evex} vaddps xmm3,xmm2,xmm1
{vex} vaddps xmm3,xmm2,xmm1
vaddps xmm3,xmm2,xmm17
vaddps zmm3,zmm2,[rip+0x100]
vaddps zmm3,zmm2,[rax*4+0x100]
vaddps zmm3,zmm2,ds:0x100
vaddps zmm3,zmm2,ZMMWORD PTR fs:[rax+0x40]
vaddps zmm3{k1},zmm2,zmm1{z}
vaddps zmm3,zmm2{k1},zmm1
vaddps zmm3{k0},zmm2,zmm1
vaddps zmm3{z},zmm2,zmm1
vaddps zmm3{k1},zmm2,zmm1{k2}
vaddps zmm3,zmm2,zmm1{1to16}
vaddps zmm3,zmm2,[rax]{1to16}{k1}
vaddps zmm3,zmm2,[rax]{1to3}
vaddps zmm3{k8},zmm2,zmm1
vaddps zmm3{eax},zmm2,zmm1
vaddps zmm3{K1},zmm2,zmm1
vaddps zmm3{k1}{Z},zmm2,zmm1
vaddps zmm3,zmm2,zmm1,{RN-SAE}
vaddps zmm3,zmm2,zmm1,{rn-sae},{rn-sae}
vfpclassphx k1,[rax],4
vfpclassphz k1,[rax],4
vfpclassphy k1,[rax],4
vfpclasspdx k1,[rax],4
vfpclasspsz k1,[rax],4
vfpclasspdy k1{k2},[rax]{1to4},4
vcvtpd2psx xmm1,[rax]
vcvtpd2psy xmm1,[rax]
`);
