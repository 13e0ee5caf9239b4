;; Loops of the wasm kernels that run on the tfjs wasm backend's own heap
;; (lib/wasm_kernels/): the same work as a JavaScript loop over views of the
;; heap, 1.1 to 10 times faster, with bit-identical results.
;;
;; Every pointer is a byte offset on the backend's memory, which this module
;; imports (shared when the backend runs threads: scripts/build_heap_loops.ts
;; writes both variants to heap_loops_binary.ts, which is what the library
;; loads; edit this file, then run `deno task wasm`).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; The input gradient dx of a 2x2 max-pool at stride 2 without padding, given
  ;; its input x and output gradient dy (NHWC, channels a multiple of 4, taken
  ;; 4 at a time). Each window's gradient goes to its first strictly largest
  ;; pixel in row-major order (none when no pixel beats -Infinity, as for NaN),
  ;; like the cpu backend; the window's other cells get 0. Rows and columns no
  ;; window covers (odd sizes) are left alone: the caller zeroes them.
  (func (export "maxPoolGrad2x2")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $channels i32)
    (param $outH i32) (param $outW i32)
    (local $pixel i32) (local $rowBytes i32) (local $b i32) (local $r i32) (local $col i32)
    (local $at i32) (local $end i32) (local $to i32)
    (local $v00 v128) (local $v01 v128) (local $v10 v128) (local $v11 v128)
    (local $best v128) (local $where v128) (local $m v128) (local $g v128)
    (local.set $pixel (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inW) (local.get $pixel)))
    (block $doneB (loop $nextB
      (br_if $doneB (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $r (i32.const 0))
      (block $doneR (loop $nextR
        (br_if $doneR (i32.ge_u (local.get $r) (local.get $outH)))
        ;; at: byte offset of the window's top-left pixel, relative to x and dx.
        (local.set $at (i32.mul
          (i32.add (i32.mul (local.get $b) (local.get $inH)) (i32.shl (local.get $r) (i32.const 1)))
          (local.get $rowBytes)))
        (local.set $col (i32.const 0))
        (block $doneCol (loop $nextCol
          (br_if $doneCol (i32.ge_u (local.get $col) (local.get $outW)))
          (local.set $end (i32.add (local.get $at) (local.get $pixel)))
          (block $doneC (loop $nextC
            (br_if $doneC (i32.ge_u (local.get $at) (local.get $end)))
            (local.set $v00 (v128.load (i32.add (local.get $x) (local.get $at))))
            (local.set $v01 (v128.load (i32.add (local.get $x) (i32.add (local.get $at) (local.get $pixel)))))
            (local.set $v10 (v128.load (i32.add (local.get $x) (i32.add (local.get $at) (local.get $rowBytes)))))
            (local.set $v11 (v128.load (i32.add (local.get $x)
              (i32.add (local.get $at) (i32.add (local.get $rowBytes) (local.get $pixel))))))
            ;; The first strictly largest, as the JavaScript loop: -1 where none beats -Infinity.
            (local.set $m (f32x4.gt (local.get $v00) (v128.const f32x4 -inf -inf -inf -inf)))
            (local.set $best (v128.bitselect (local.get $v00) (v128.const f32x4 -inf -inf -inf -inf) (local.get $m)))
            (local.set $where (v128.bitselect (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $m)))
            (local.set $m (f32x4.gt (local.get $v01) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v01) (local.get $best) (local.get $m)))
            (local.set $where (v128.bitselect (v128.const i32x4 1 1 1 1) (local.get $where) (local.get $m)))
            (local.set $m (f32x4.gt (local.get $v10) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v10) (local.get $best) (local.get $m)))
            (local.set $where (v128.bitselect (v128.const i32x4 2 2 2 2) (local.get $where) (local.get $m)))
            (local.set $m (f32x4.gt (local.get $v11) (local.get $best)))
            (local.set $where (v128.bitselect (v128.const i32x4 3 3 3 3) (local.get $where) (local.get $m)))
            (local.set $g (v128.load (local.get $dy)))
            (local.set $to (i32.add (local.get $dx) (local.get $at)))
            (v128.store (local.get $to)
              (v128.and (local.get $g) (i32x4.eq (local.get $where) (v128.const i32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $to) (local.get $pixel))
              (v128.and (local.get $g) (i32x4.eq (local.get $where) (v128.const i32x4 1 1 1 1))))
            (v128.store (i32.add (local.get $to) (local.get $rowBytes))
              (v128.and (local.get $g) (i32x4.eq (local.get $where) (v128.const i32x4 2 2 2 2))))
            (v128.store (i32.add (local.get $to) (i32.add (local.get $rowBytes) (local.get $pixel)))
              (v128.and (local.get $g) (i32x4.eq (local.get $where) (v128.const i32x4 3 3 3 3))))
            (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (br $nextC)))
          ;; at has moved one pixel right; the next window starts one more pixel on.
          (local.set $at (i32.add (local.get $at) (local.get $pixel)))
          (local.set $col (i32.add (local.get $col) (i32.const 1)))
          (br $nextCol)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextR)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $nextB))))

  ;; The im2col patch matrix of a 2-D convolution of NHWC input x: shape
  ;; [filterH * filterW * channels, batch * outH * outW], where row (i, j, c)
  ;; holds input channel c at filter offset (i, j) for every output position
  ;; and 0 where that tap falls in the padding. Each matrix row is written in
  ;; runs of one image's positions (sequential stores: the matrix is larger
  ;; than the caches, the input image is not).
  (func (export "patchMatrix")
    (param $x i32) (param $patches i32)
    (param $batch i32) (param $inH i32) (param $inW i32) (param $channels i32)
    (param $outH i32) (param $outW i32) (param $strideH i32) (param $strideW i32)
    (param $filterH i32) (param $filterW i32) (param $padTop i32) (param $padLeft i32)
    (local $matrixRow i32) (local $step i32) (local $image i32) (local $imageBytes i32)
    (local $b i32) (local $outRow i32) (local $i i32) (local $j i32) (local $c i32)
    (local $row i32) (local $first i32) (local $end i32) (local $n i32) (local $from i32)
    (local $target i32) (local $source i32) (local $to i32) (local $stop i32)
    ;; Bytes from one row of the patch matrix to the next; between the taps of neighbouring
    ;; output columns; of one image's positions in a matrix row; of one input image.
    (local.set $matrixRow (i32.shl (i32.mul (local.get $batch) (i32.mul (local.get $outH) (local.get $outW))) (i32.const 2)))
    (local.set $step (i32.shl (i32.mul (local.get $strideW) (local.get $channels)) (i32.const 2)))
    (local.set $image (i32.shl (i32.mul (local.get $outH) (local.get $outW)) (i32.const 2)))
    (local.set $imageBytes (i32.shl (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $channels)) (i32.const 2)))
    (block $doneB (loop $nextB
      (br_if $doneB (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $i (i32.const 0))
      (block $doneI (loop $nextI
        (br_if $doneI (i32.ge_u (local.get $i) (local.get $filterH)))
        (local.set $j (i32.const 0))
        (block $doneJ (loop $nextJ
          (br_if $doneJ (i32.ge_u (local.get $j) (local.get $filterW)))
          ;; Output columns whose tap j lands inside the input row: [first, end).
          (local.set $n (i32.sub (local.get $padLeft) (local.get $j)))
          (local.set $first (select
            (i32.div_u (i32.add (local.get $n) (i32.sub (local.get $strideW) (i32.const 1))) (local.get $strideW))
            (i32.const 0)
            (i32.gt_s (local.get $n) (i32.const 0))))
          (local.set $n (i32.add (i32.sub (local.get $inW) (i32.const 1)) (local.get $n)))
          (local.set $end (select
            (i32.add (i32.div_u (local.get $n) (local.get $strideW)) (i32.const 1))
            (i32.const 0)
            (i32.ge_s (local.get $n) (i32.const 0))))
          (local.set $first (select (local.get $first) (local.get $outW) (i32.lt_u (local.get $first) (local.get $outW))))
          (local.set $end (select (local.get $end) (local.get $outW) (i32.lt_u (local.get $end) (local.get $outW))))
          (local.set $end (select (local.get $end) (local.get $first) (i32.gt_u (local.get $end) (local.get $first))))
          ;; Input pixel (image b, row 0, column of output column `first`), channel 0.
          (local.set $source (i32.add (i32.add (local.get $x) (i32.mul (local.get $b) (local.get $imageBytes)))
            (i32.shl (i32.mul
              (i32.sub (i32.add (i32.mul (local.get $first) (local.get $strideW)) (local.get $j)) (local.get $padLeft))
              (local.get $channels)) (i32.const 2))))
          ;; Matrix row (i, j, c = 0), at image b's first position.
          (local.set $target (i32.add (i32.add (local.get $patches) (i32.mul (local.get $b) (local.get $image)))
            (i32.mul (i32.mul (i32.add (i32.mul (local.get $i) (local.get $filterW)) (local.get $j)) (local.get $channels))
              (local.get $matrixRow))))
          (local.set $c (i32.const 0))
          (block $doneC (loop $nextC
            (br_if $doneC (i32.ge_u (local.get $c) (local.get $channels)))
            (local.set $to (local.get $target))
            (local.set $outRow (i32.const 0))
            (block $doneOutRow (loop $nextOutRow
              (br_if $doneOutRow (i32.ge_u (local.get $outRow) (local.get $outH)))
              (local.set $row (i32.sub (i32.add (i32.mul (local.get $outRow) (local.get $strideH)) (local.get $i)) (local.get $padTop)))
              (if (i32.and (i32.ge_s (local.get $row) (i32.const 0)) (i32.lt_s (local.get $row) (local.get $inH)))
                (then
                  (memory.fill (local.get $to) (i32.const 0) (i32.shl (local.get $first) (i32.const 2)))
                  (local.set $stop (i32.add (local.get $to) (i32.shl (local.get $end) (i32.const 2))))
                  (local.set $to (i32.add (local.get $to) (i32.shl (local.get $first) (i32.const 2))))
                  (local.set $from (i32.add (local.get $source) (i32.shl
                    (i32.add (i32.mul (i32.mul (local.get $row) (local.get $inW)) (local.get $channels)) (local.get $c))
                    (i32.const 2))))
                  (block $doneCopy (loop $nextCopy
                    (br_if $doneCopy (i32.ge_u (local.get $to) (local.get $stop)))
                    (f32.store (local.get $to) (f32.load (local.get $from)))
                    (local.set $to (i32.add (local.get $to) (i32.const 4)))
                    (local.set $from (i32.add (local.get $from) (local.get $step)))
                    (br $nextCopy)))
                  (memory.fill (local.get $to) (i32.const 0)
                    (i32.shl (i32.sub (local.get $outW) (local.get $end)) (i32.const 2)))
                  (local.set $to (i32.add (local.get $to) (i32.shl (i32.sub (local.get $outW) (local.get $end)) (i32.const 2)))))
                (else
                  (memory.fill (local.get $to) (i32.const 0) (i32.shl (local.get $outW) (i32.const 2)))
                  (local.set $to (i32.add (local.get $to) (i32.shl (local.get $outW) (i32.const 2))))))
              (local.set $outRow (i32.add (local.get $outRow) (i32.const 1)))
              (br $nextOutRow)))
            (local.set $target (i32.add (local.get $target) (local.get $matrixRow)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $nextC)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $nextJ)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $nextI)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $nextB))))

  ;; Sums of the rows of x, a [rows, inner] matrix (inner a multiple of 16),
  ;; into out[inner]: each column accumulated in float64 in row order, then
  ;; rounded to float32, as lib/engine/wasm/sum.ts does in JavaScript. One
  ;; pass per 16 columns (a cache line of each row), 8 float64x2 sums in locals.
  (func (export "sumLeadingRows")
    (param $x i32) (param $out i32) (param $rows i32) (param $inner i32)
    (local $rowBytes i32) (local $block i32) (local $at i32) (local $end i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (block $doneBlock (loop $nextBlock
      (br_if $doneBlock (i32.ge_u (local.get $block) (local.get $rowBytes)))
      (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
      (local.set $s2 (v128.const f64x2 0 0)) (local.set $s3 (v128.const f64x2 0 0))
      (local.set $s4 (v128.const f64x2 0 0)) (local.set $s5 (v128.const f64x2 0 0))
      (local.set $s6 (v128.const f64x2 0 0)) (local.set $s7 (v128.const f64x2 0 0))
      (local.set $at (i32.add (local.get $x) (local.get $block)))
      (local.set $end (i32.add (local.get $at) (i32.mul (local.get $rows) (local.get $rowBytes))))
      (block $doneRow (loop $nextRow
        (br_if $doneRow (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (v128.load64_zero offset=0 (local.get $at)))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $at)))))
        (local.set $s2 (f64x2.add (local.get $s2) (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 (local.get $at)))))
        (local.set $s3 (f64x2.add (local.get $s3) (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 (local.get $at)))))
        (local.set $s4 (f64x2.add (local.get $s4) (f64x2.promote_low_f32x4 (v128.load64_zero offset=32 (local.get $at)))))
        (local.set $s5 (f64x2.add (local.get $s5) (f64x2.promote_low_f32x4 (v128.load64_zero offset=40 (local.get $at)))))
        (local.set $s6 (f64x2.add (local.get $s6) (f64x2.promote_low_f32x4 (v128.load64_zero offset=48 (local.get $at)))))
        (local.set $s7 (f64x2.add (local.get $s7) (f64x2.promote_low_f32x4 (v128.load64_zero offset=56 (local.get $at)))))
        (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
        (br $nextRow)))
      (local.set $at (i32.add (local.get $out) (local.get $block)))
      (v128.store64_lane offset=0 0 (local.get $at) (f32x4.demote_f64x2_zero (local.get $s0)))
      (v128.store64_lane offset=8 0 (local.get $at) (f32x4.demote_f64x2_zero (local.get $s1)))
      (v128.store64_lane offset=16 0 (local.get $at) (f32x4.demote_f64x2_zero (local.get $s2)))
      (v128.store64_lane offset=24 0 (local.get $at) (f32x4.demote_f64x2_zero (local.get $s3)))
      (v128.store64_lane offset=32 0 (local.get $at) (f32x4.demote_f64x2_zero (local.get $s4)))
      (v128.store64_lane offset=40 0 (local.get $at) (f32x4.demote_f64x2_zero (local.get $s5)))
      (v128.store64_lane offset=48 0 (local.get $at) (f32x4.demote_f64x2_zero (local.get $s6)))
      (v128.store64_lane offset=56 0 (local.get $at) (f32x4.demote_f64x2_zero (local.get $s7)))
      (local.set $block (i32.add (local.get $block) (i32.const 64)))
      (br $nextBlock))))
)
