@testable import LabOptimization
import PropertyBased
import Testing

/// The scaling inside ``GLPK/solveVerified(_:method:tolerance:exactRetrySeconds:)`` (THEORY §5.1:
/// equilibrate every program before GLPK) changes which answer GLPK finds, never the optimum or
/// what counts as verified.
@Suite struct EquilibrationTests {
  private static var shapes: Generator<LPShape, some SendableSequenceType> {
    LPShape.generator(rows: 0...6, columns: 1...6)
  }

  /// `program` with column `j` in units of 2^exponents[j]: its coefficients and cost times the power, its bounds over it.
  static func rescaled(_ program: LinearProgram, exponents: [Int]) -> LinearProgram {
    var result = LinearProgram(direction: program.direction)
    for (j, (cost, bounds)) in zip(program.objective, program.columnBounds).enumerated() {
      let s = Double(sign: .plus, exponent: exponents[j], significand: 1)
      result.addColumn(bounds: .between(bounds.lower / s, bounds.upper / s), cost: cost * s)
    }
    var terms = [[(column: Int, value: Double)]](repeating: [], count: program.rowCount)
    for entry in program.entries {
      terms[entry.row].append((entry.column, entry.value * Double(sign: .plus, exponent: exponents[entry.column], significand: 1)))
    }
    for (row, bounds) in program.rowBounds.enumerated() { result.addRow(terms[row], bounds: bounds) }
    return result
  }

  /// The property: the same LP with its columns in other units has the same verified optimum.
  static func expectSameOptimum(_ shape: LPShape) throws {
    let (program, _) = RandomLPs.feasibleBounded(shape)
    var rng = SplitMix64(seed: shape.seed ^ 0x5EED)
    let exponents = (0..<program.columnCount).map { _ in Int.random(in: -20...20, using: &rng) }
    let plain = try GLPK.solveVerified(program)
    let scaled = try GLPK.solveVerified(Self.rescaled(program, exponents: exponents))
    #expect(plain.verification.verified && scaled.verification.verified, "\(shape): \(scaled.verification.detail)")
    // Each verified value lies within its own duality gap of the optimum, so they agree to the sum of the gaps.
    let value = plain.solution.objective
    let allowed = plain.verification.dualityGap + scaled.verification.dualityGap + 1e-9 * (1 + abs(value))
    #expect(abs(scaled.solution.objective - value) <= allowed, "\(shape): \(scaled.solution.objective) against \(value)")
  }

  @Test("Columns in units from 2^-20 to 2^20 leave the verified optimum unchanged")
  func columnUnitsDoNotMatter() async throws {
    await propertyCheck(count: 100, input: Self.shapes) { shape in try Self.expectSameOptimum(shape) }
  }

  /// Found by the property above (December 2026): the verifier measured every column's reduced cost
  /// against one scale shared by all columns, so a free column in units of 2⁻¹⁷ kept a reduced cost
  /// of 3.3e-6 — far above its own rounding — and a simplex answer 0.68 above the optimum (−6.957
  /// against −7.635) counted as verified. Each column is now measured against its own scale; the
  /// simplex answer fails, and the exact retry returns the optimum, verified.
  @Test("The counterexample of the shared dual scale: a free column in small units is driven to its optimum")
  func sharedDualScaleCounterexample() throws {
    try Self.expectSameOptimum(LPShape(rows: 3, columns: 4, direction: .minimize, seed: 12573425185989248747))
  }

  @Test("After equilibration every column's largest |coefficient| lies in [1, 2), and the answer maps back to a verified one")
  func equilibratedColumnsAndMapping() async throws {
    await propertyCheck(count: 100, input: Self.shapes) { shape in
      let (program, _) = RandomLPs.feasibleBounded(shape)
      let scaling = GLPK.equilibrated(program)
      var largest = [Double](repeating: 0, count: program.columnCount)
      for entry in scaling.program.entries { largest[entry.column] = max(largest[entry.column], abs(entry.value)) }
      for value in largest where value > 0 { #expect((1..<2).contains(value), "\(shape): \(largest)") }
      let answer = try GLPK.solve(scaling.program).unscaled(scaling)
      #expect(LPVerifier.verify(program, answer).verified, "\(shape)")
    }
  }
}
