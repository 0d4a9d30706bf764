import Foundation
import LabNumerics

/// A BERT encoder on BLAS, as `transformers`' `BertModel` computes it in inference: embeddings
/// (word + position + token type 0, LayerNorm), then per layer multi-head self-attention with a
/// residual connection and LayerNorm, and an exact-GELU feed-forward layer with a residual
/// connection and LayerNorm (post-LN).
///
/// Sequences are packed without padding: the linear layers run on all tokens of a batch at once,
/// attention on each sequence's own tokens. That is the padding mask of a padded batch exactly
/// (a masked key's weight, exp(score + float32 minimum), is 0), without the padded rows' work.
public struct BertEncoder: Sendable {
  /// The sizes.
  public let configuration: BertConfiguration
  /// The parameters.
  public let weights: BertWeights

  /// An encoder; `weights` must have the sizes of `configuration`, as ``BertWeights/init(contentsOf:configuration:)`` checks.
  public init(configuration: BertConfiguration, weights: BertWeights) {
    self.configuration = configuration
    self.weights = weights
  }

  /// The hidden states after layer `layer` (0 = the embeddings, ``BertConfiguration/layerCount`` =
  /// the last) of every token of each sequence: for sequence i, its length × hidden values, row-major.
  ///
  /// Each sequence is 1…``BertConfiguration/maximumPositions`` ids below the vocabulary size. The
  /// sequences are split into `threads` contiguous groups of about equal work, each run on its own
  /// thread with single-threaded BLAS calls (the caller sets OpenBLAS to one thread when `threads` > 1);
  /// the result depends only on the sequences and `threads`.
  public func hiddenStates(_ sequences: [[Int32]], afterLayer layer: Int, threads: Int = 1) -> [[Float]] {
    precondition((0...configuration.layerCount).contains(layer), "Layer \(layer) is not in 0...\(configuration.layerCount).")
    precondition(threads >= 1, "threads must be at least 1, got \(threads).")
    for sequence in sequences {
      precondition((1...configuration.maximumPositions).contains(sequence.count), "A sequence of \(sequence.count) tokens is not in 1...\(configuration.maximumPositions).")
      precondition(sequence.allSatisfy { $0 >= 0 && Int($0) < configuration.vocabularySize }, "A token id is outside the vocabulary.")
    }
    let bounds = Self.groups(sequences.map(\.count), count: min(threads, max(sequences.count, 1)))
    var results = [[[Float]]](repeating: [], count: bounds.count - 1)
    results.withUnsafeMutableBufferPointer { slots in
      let output = DisjointOutput(base: slots.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: bounds.count - 1) { g in
        output.base[g] = forward(Array(sequences[bounds[g]..<bounds[g + 1]]), layer: layer)
      }
    }
    return results.flatMap { $0 }
  }

  /// The first sequence of each of `count` contiguous groups, then the number of sequences: group
  /// boundaries where the cumulative work (tokens, plus the square of each length for attention)
  /// crosses equal shares.
  static func groups(_ lengths: [Int], count: Int) -> [Int] {
    guard count > 1 else { return [0, lengths.count] }
    let work = lengths.map { Double($0 * 1_000 + $0 * $0) }
    let total = work.reduce(0, +)
    var bounds = [0], cumulative = 0.0
    for (i, w) in work.enumerated() {
      cumulative += w
      if bounds.count < count, cumulative >= total * Double(bounds.count) / Double(count), i + 1 < lengths.count { bounds.append(i + 1) }
    }
    bounds.append(lengths.count)
    return bounds
  }

  /// The hidden states after `layer` of `sequences`, on the calling thread.
  private func forward(_ sequences: [[Int32]], layer: Int) -> [[Float]] {
    let c = configuration, h = c.hiddenSize, tokens = sequences.reduce(0) { $0 + $1.count }
    guard tokens > 0 else { return sequences.map { _ in [] } }
    var x = [Float](repeating: 0, count: tokens * h)
    x.withUnsafeMutableBufferPointer { x in
      embed(sequences, into: x.baseAddress!)
      if layer > 0 {
        var workspace = Workspace(tokens: tokens, configuration: c, longest: sequences.map(\.count).max() ?? 0)
        for l in 0..<layer { encode(x.baseAddress!, lengths: sequences.map(\.count), layer: weights.layers[l], workspace: &workspace) }
      }
    }
    var states: [[Float]] = []
    var offset = 0
    for sequence in sequences {
      states.append(Array(x[(offset * h)..<((offset + sequence.count) * h)]))
      offset += sequence.count
    }
    return states
  }

  /// Word + position + token-type-0 embeddings of every token, then the embedding LayerNorm.
  private func embed(_ sequences: [[Int32]], into x: UnsafeMutablePointer<Float>) {
    let h = configuration.hiddenSize
    weights.wordEmbeddings.withUnsafeBufferPointer { word in
      weights.positionEmbeddings.withUnsafeBufferPointer { position in
        weights.tokenTypeEmbeddings.withUnsafeBufferPointer { type in
          var row = 0
          for sequence in sequences {
            for (p, id) in sequence.enumerated() {
              let out = x + row * h, w = word.baseAddress! + Int(id) * h, q = position.baseAddress! + p * h
              for j in 0..<h { out[j] = w[j] + q[j] + type[j] }
              row += 1
            }
          }
        }
      }
    }
    let tokens = sequences.reduce(0) { $0 + $1.count }
    EncoderKernels.layerNorm(x, rows: tokens, width: h, scale: weights.embeddingNormScale, shift: weights.embeddingNormShift,
                             epsilon: configuration.layerNormEpsilon)
  }

  /// The buffers of one group's layer.
  private struct Workspace {
    var queryKeyValue: [Float], context: [Float], attended: [Float], intermediate: [Float], scores: [Float]

    init(tokens: Int, configuration c: BertConfiguration, longest: Int) {
      queryKeyValue = [Float](repeating: 0, count: tokens * 3 * c.hiddenSize)
      context = [Float](repeating: 0, count: tokens * c.hiddenSize)
      attended = [Float](repeating: 0, count: tokens * c.hiddenSize)
      intermediate = [Float](repeating: 0, count: tokens * c.intermediateSize)
      scores = [Float](repeating: 0, count: longest * longest)
    }
  }

  /// One encoder layer on the packed rows `x` (sequences of `lengths` tokens), in place.
  private func encode(_ x: UnsafeMutablePointer<Float>, lengths: [Int], layer: BertWeights.Layer, workspace: inout Workspace) {
    let c = configuration, h = c.hiddenSize, inner = c.intermediateSize, tokens = lengths.reduce(0, +)
    let d = c.headSize, scale = 1 / Float(d).squareRoot()
    workspace.queryKeyValue.withUnsafeMutableBufferPointer { qkvBuffer in
      workspace.context.withUnsafeMutableBufferPointer { contextBuffer in
        workspace.attended.withUnsafeMutableBufferPointer { attendedBuffer in
          workspace.intermediate.withUnsafeMutableBufferPointer { intermediateBuffer in
            workspace.scores.withUnsafeMutableBufferPointer { scoresBuffer in
              let qkv = qkvBuffer.baseAddress!, context = contextBuffer.baseAddress!, attended = attendedBuffer.baseAddress!
              let hidden = intermediateBuffer.baseAddress!, scores = scoresBuffer.baseAddress!
              // Q | K | V = x · W_qkvᵀ + b_qkv.
              EncoderKernels.fillRows(qkv, rows: tokens, width: 3 * h, bias: layer.queryKeyValueBias)
              Self.product(x, layer.queryKeyValue, into: qkv, rows: tokens, inner: h, columns: 3 * h)
              // Each sequence's heads: softmax(Q_h K_hᵀ / √d) V_h.
              var offset = 0
              for n in lengths {
                let base = qkv + offset * 3 * h
                for head in 0..<c.headCount {
                  Float.blasGemm(transposingA: false, transposingB: true, m: Int32(n), n: Int32(n), k: Int32(d), alpha: scale,
                                 a: base + head * d, lda: Int32(3 * h), b: base + h + head * d, ldb: Int32(3 * h),
                                 beta: 0, c: scores, ldc: Int32(n))
                  EncoderKernels.softmax(scores, rows: n, width: n, stride: n)
                  Float.blasGemm(transposingA: false, transposingB: false, m: Int32(n), n: Int32(d), k: Int32(n), alpha: 1,
                                 a: scores, lda: Int32(n), b: base + 2 * h + head * d, ldb: Int32(3 * h),
                                 beta: 0, c: context + offset * h + head * d, ldc: Int32(h))
                }
                offset += n
              }
              // LayerNorm(x + context · W_oᵀ + b_o).
              EncoderKernels.fillRows(attended, rows: tokens, width: h, bias: layer.attentionOutputBias, residual: x)
              Self.product(context, layer.attentionOutput, into: attended, rows: tokens, inner: h, columns: h)
              EncoderKernels.layerNorm(attended, rows: tokens, width: h, scale: layer.attentionNormScale, shift: layer.attentionNormShift,
                                       epsilon: c.layerNormEpsilon)
              // LayerNorm(a + GELU(a · W_1ᵀ + b_1) · W_2ᵀ + b_2), into x.
              EncoderKernels.fillRows(hidden, rows: tokens, width: inner, bias: layer.intermediateBias)
              Self.product(attended, layer.intermediate, into: hidden, rows: tokens, inner: h, columns: inner)
              EncoderKernels.gelu(hidden, count: tokens * inner)
              EncoderKernels.fillRows(x, rows: tokens, width: h, bias: layer.outputBias, residual: attended)
              Self.product(hidden, layer.output, into: x, rows: tokens, inner: inner, columns: h)
              EncoderKernels.layerNorm(x, rows: tokens, width: h, scale: layer.outputNormScale, shift: layer.outputNormShift,
                                       epsilon: c.layerNormEpsilon)
            }
          }
        }
      }
    }
  }

  /// `c += a · wᵀ` for `a` rows×inner and the [columns, inner] weight `w` (stored [out, in]).
  private static func product(_ a: UnsafePointer<Float>, _ w: [Float], into c: UnsafeMutablePointer<Float>, rows: Int, inner: Int, columns: Int) {
    w.withUnsafeBufferPointer { w in
      Float.blasGemm(transposingA: false, transposingB: true, m: Int32(rows), n: Int32(columns), k: Int32(inner), alpha: 1,
                     a: a, lda: Int32(inner), b: w.baseAddress!, ldb: Int32(inner), beta: 1, c: c, ldc: Int32(columns))
    }
  }
}
