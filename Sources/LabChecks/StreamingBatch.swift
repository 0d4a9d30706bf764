import LabNumerics

/// One batch's residuals r_n = x_n − b − Σ_k z_nk d_k, built from each code's nonzeros (not a dense
/// product), with the norms the streaming checks need. The rows are shared among workers; each
/// row's arithmetic is the plain loop's, in its order, so the results do not depend on the split.
struct BatchResiduals {
  /// Each row's nonzero atoms, in atom order.
  var support: [[Int]]
  /// The residuals, `rows × m`.
  var residuals: Matrix<Double>
  /// ‖Σ_k z_nk d_k‖ per row.
  var fitNorms: [Double]
  /// ‖r_n‖² per row.
  var squaredNorms: [Double]
  /// ‖x_n − b‖² per row.
  var centredSquaredNorms: [Double]

  /// The residuals of `codes` (`rows × K`) against `centred` (x_n − b, `rows × m`) and the atoms `d`
  /// (`K × m`), rows measured on `workers` threads.
  init(codes z: Matrix<Double>, centred: Matrix<Double>, dictionary d: Matrix<Double>, workers: Int) {
    let rows = z.rows, k = z.columns, m = d.columns
    var support = [[Int]](repeating: [], count: rows)
    var r = centred.storage
    var fitNorms = [Double](repeating: 0, count: rows)
    var squaredNorms = [Double](repeating: 0, count: rows)
    var centredSquaredNorms = [Double](repeating: 0, count: rows)
    if rows > 0, k > 0, m > 0 {
      z.storage.withUnsafeBufferPointer { codes in
        d.storage.withUnsafeBufferPointer { atoms in
          centred.storage.withUnsafeBufferPointer { samples in
            support.withUnsafeMutableBufferPointer { supportOut in
              r.withUnsafeMutableBufferPointer { residualOut in
                fitNorms.withUnsafeMutableBufferPointer { fitOut in
                  squaredNorms.withUnsafeMutableBufferPointer { squaredOut in
                    centredSquaredNorms.withUnsafeMutableBufferPointer { centredOut in
                      let input = (codes: SharedInput(base: codes.baseAddress!), atoms: SharedInput(base: atoms.baseAddress!),
                                   samples: SharedInput(base: samples.baseAddress!))
                      let output = (support: DisjointOutput(base: supportOut.baseAddress!), r: DisjointOutput(base: residualOut.baseAddress!),
                                    fit: DisjointOutput(base: fitOut.baseAddress!), squared: DisjointOutput(base: squaredOut.baseAddress!),
                                    centred: DisjointOutput(base: centredOut.baseAddress!))
                      RowBlocks.forEach(rows: rows, count: workers) { range in
                        var fit = [Double](repeating: 0, count: m)
                        fit.withUnsafeMutableBufferPointer { fit in
                          for row in range {
                            var nonzero: [Int] = []
                            SparseRowKernels.appendNonzeros(input.codes.base + row * k, count: k, to: &nonzero)
                            for i in 0..<m { fit[i] = 0 }
                            for atom in nonzero {
                              SparseRowKernels.add(input.codes.base[row * k + atom], times: input.atoms.base + atom * m, to: fit.baseAddress!, count: m)
                            }
                            let residual = output.r.base + row * m, sample = input.samples.base + row * m
                            var fitted = 0.0
                            for i in 0..<m {
                              residual[i] -= fit[i]
                              fitted += fit[i] * fit[i]
                            }
                            var squared = 0.0, norm = 0.0
                            for i in 0..<m {
                              squared += residual[i] * residual[i]
                              norm += sample[i] * sample[i]
                            }
                            output.support.base[row] = nonzero
                            output.fit.base[row] = fitted.squareRoot()
                            output.squared.base[row] = squared
                            output.centred.base[row] = norm
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    } else {
      for row in 0..<rows {
        squaredNorms[row] = (0..<m).reduce(0) { $0 + r[row * m + $1] * r[row * m + $1] }
        centredSquaredNorms[row] = squaredNorms[row]
      }
    }
    self.support = support
    self.residuals = Matrix(rows: rows, columns: m, storage: r)
    self.fitNorms = fitNorms
    self.squaredNorms = squaredNorms
    self.centredSquaredNorms = centredSquaredNorms
  }

  /// `weighted` (row-major `K × m`) += Σ_n z_nk r_n over this batch's rows. The atoms are dealt to
  /// `workers` threads (atom k to worker k mod workers); each atom's sum runs over the rows in order.
  func addWeightedResiduals(codes z: Matrix<Double>, to weighted: inout [Double], workers: Int) {
    let k = z.columns, m = residuals.columns
    guard k > 0, m > 0, residuals.rows > 0 else { return }
    let support = support
    z.storage.withUnsafeBufferPointer { codes in
      residuals.storage.withUnsafeBufferPointer { r in
        weighted.withUnsafeMutableBufferPointer { sums in
          let codes = SharedInput(base: codes.baseAddress!), r = SharedInput(base: r.baseAddress!)
          let sums = DisjointOutput(base: sums.baseAddress!)
          let count = max(1, min(workers, k))
          RowBlocks.forEach(rows: count, count: count) { owned in
            for worker in owned {
              for (row, atoms) in support.enumerated() {
                for atom in atoms where atom % count == worker {
                  SparseRowKernels.add(codes.base[row * k + atom], times: r.base + row * m, to: sums.base + atom * m, count: m)
                }
              }
            }
          }
        }
      }
    }
  }
}

/// One batch's code-gradient terms: per row, the largest (K1) violation and the sum of LP-K's code
/// block, λ − d_kᵀr_n for an active code (|·|) and (d_kᵀr_n − λ)₊ for a silent one, and per atom
/// how many rows leave it silent. Rows are shared among workers; each row's sum runs over its atoms
/// in order.
struct BatchCodeGradients {
  /// max over the batch of |λ − c| on active codes and (c − λ)₊ on silent ones.
  var worstViolation: Double
  /// Each row's Σ_k of the code block's terms.
  var rowTerms: [Double]
  /// Per atom, the rows whose code is at most the activity threshold.
  var silentCount: [Int]

  /// The terms of codes `z` with correlations `correlations` (both `rows × K`) at λ = `lambda`; a
  /// code above `tau` counts as active.
  init(codes z: Matrix<Double>, correlations: Matrix<Double>, lambda: Double, activityThreshold tau: Double, workers: Int) {
    let rows = z.rows, k = z.columns
    let count = max(1, min(workers, rows))
    var rowTerms = [Double](repeating: 0, count: rows)
    var worst = [Double](repeating: 0, count: count)
    var silent = [Int](repeating: 0, count: count * k)
    if rows > 0, k > 0 {
      let bounds = RowBlocks.bounds(rows: rows, count: count)
      z.storage.withUnsafeBufferPointer { codes in
        correlations.storage.withUnsafeBufferPointer { correlations in
          rowTerms.withUnsafeMutableBufferPointer { termsOut in
            worst.withUnsafeMutableBufferPointer { worstOut in
              silent.withUnsafeMutableBufferPointer { silentOut in
                let codes = SharedInput(base: codes.baseAddress!), correlations = SharedInput(base: correlations.baseAddress!)
                let terms = DisjointOutput(base: termsOut.baseAddress!), worst = DisjointOutput(base: worstOut.baseAddress!)
                let silent = DisjointOutput(base: silentOut.baseAddress!)
                RowBlocks.forEach(rows: count, count: count) { blocks in
                  for block in blocks {
                    var largest = 0.0
                    let silentOfBlock = silent.base + block * k
                    for row in bounds[block]..<bounds[block + 1] {
                      var sum = 0.0
                      for atom in 0..<k {
                        let value = codes.base[row * k + atom], c = correlations.base[row * k + atom], gradient = lambda - c
                        if value > tau {
                          largest = max(largest, abs(gradient))
                          sum += abs(gradient)
                        } else {
                          largest = max(largest, max(c - lambda, 0))
                          sum += max(-gradient, 0)
                          silentOfBlock[atom] += 1
                        }
                      }
                      terms.base[row] = sum
                    }
                    worst.base[block] = largest
                  }
                }
              }
            }
          }
        }
      }
    }
    self.worstViolation = worst.max() ?? 0
    self.rowTerms = rowTerms
    self.silentCount = (0..<k).map { atom in (0..<count).reduce(0) { $0 + silent[$1 * k + atom] } }
  }
}
