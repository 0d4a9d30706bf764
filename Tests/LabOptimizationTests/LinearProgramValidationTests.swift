import LabOptimization
import PropertyBased
import Testing

@Suite struct LinearProgramValidationTests {
  /// Two nonnegative columns with costs 1 and one row `x0 + x1 <= 1`.
  private static func base() -> LinearProgram {
    var program = LinearProgram()
    program.addColumns(count: 2, bounds: .nonnegative, cost: 1)
    program.addRow([(0, 1), (1, 1)], bounds: .atMost(1))
    return program
  }

  /// Expects `validate()`, `solve` and `solveVerified` all to throw exactly `message`.
  private static func expectError(
    _ program: LinearProgram, _ message: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let attempts: [() throws -> Void] = [
      { try program.validate() },
      { _ = try GLPK.solve(program, method: .exact) },
      { _ = try GLPK.solveVerified(program) },
    ]
    for attempt in attempts {
      let error = #expect(throws: LPValidationError.self, sourceLocation: sourceLocation) { try attempt() }
      #expect(error?.description == message, sourceLocation: sourceLocation)
    }
  }

  @Test("A program with no columns is rejected")
  func noColumns() {
    Self.expectError(LinearProgram(), "The program has no columns; GLPK needs at least one.")
    var rowsOnly = LinearProgram()
    rowsOnly.addRow([], bounds: .free)
    Self.expectError(rowsOnly, "The program has no columns; GLPK needs at least one.")
  }

  @Test("Inverted bounds name the column or row and both values")
  func invertedBounds() {
    var program = LinearProgram()
    program.addColumns(count: 4, bounds: .nonnegative, cost: 0)
    program.setColumnBounds(3, .between(2, 1))
    Self.expectError(program, "Column 3 has lower bound 2.0 above its upper bound 1.0.")

    var rows = Self.base()
    rows.addRow([(0, 1)], bounds: .between(5, -5))
    Self.expectError(rows, "Row 1 has lower bound 5.0 above its upper bound -5.0.")
  }

  @Test("NaN and infinite coefficients are rejected")
  func nonFiniteCoefficients() {
    var nan = Self.base()
    nan.addRow([(0, 1), (1, .nan)], bounds: .atLeast(0))
    Self.expectError(nan, "Row 1 has coefficient nan for column 1; coefficients must be finite.")

    var infinite = Self.base()
    infinite.addRow([(0, -.infinity)], bounds: .atLeast(0))
    Self.expectError(infinite, "Row 1 has coefficient -inf for column 0; coefficients must be finite.")

    var cancelling = Self.base()
    cancelling.addRow([(1, .infinity), (1, -.infinity)], bounds: .atLeast(0))
    Self.expectError(cancelling, "Row 1 has coefficient nan for column 1; coefficients must be finite.")
  }

  @Test("Costs must be finite")
  func nonFiniteCosts() {
    var program = Self.base()
    program.setCost(1, .nan)
    Self.expectError(program, "Column 1 has cost nan; costs must be finite.")
    program.setCost(1, .infinity)
    Self.expectError(program, "Column 1 has cost inf; costs must be finite.")
  }

  @Test("Bounds must be numbers, with no +∞ below and no -∞ above")
  func badBounds() {
    var program = Self.base()
    program.setColumnBounds(0, .init(lower: .nan, upper: 1))
    Self.expectError(program, "Column 0 has lower bound nan; a lower bound must be finite or -infinity.")
    program.setColumnBounds(0, .init(lower: 0, upper: .nan))
    Self.expectError(program, "Column 0 has upper bound nan; an upper bound must be finite or +infinity.")

    var rows = Self.base()
    rows.addRow([(0, 1)], bounds: .init(lower: .infinity, upper: .infinity))
    Self.expectError(rows, "Row 1 has lower bound inf; a lower bound must be finite or -infinity.")
    var upper = Self.base()
    upper.addRow([(0, 1)], bounds: .init(lower: -.infinity, upper: -.infinity))
    Self.expectError(upper, "Row 1 has upper bound -inf; an upper bound must be finite or +infinity.")
  }

  @Test("Column indices must be in range")
  func badIndices() {
    var program = Self.base()
    program.addRow([(0, 1), (5, 2)], bounds: .atMost(3))
    Self.expectError(program, "Row 1 refers to column 5, but the program has 2 columns.")
    var negative = Self.base()
    negative.addRow([(-1, 2)], bounds: .atMost(3))
    Self.expectError(negative, "Row 1 refers to column -1, but the program has 2 columns.")
  }

  @Test("Nonzero magnitudes outside [1e-30, 1e30] are rejected, because GLPK aborts on extreme values")
  func magnitudes() throws {
    let window = "nonzero magnitudes must lie in [1e-30, 1e+30]."
    var huge = Self.base()
    huge.addRow([(0, 1e31)], bounds: .atMost(1))
    Self.expectError(huge, "Row 1 has coefficient 1e+31 for column 0; \(window)")
    var bound = Self.base()
    bound.setColumnBounds(1, .between(-1, 3e30))
    Self.expectError(bound, "Column 1 has upper bound 3e+30; \(window)")
    var cost = Self.base()
    cost.setCost(0, -2e30)
    Self.expectError(cost, "Column 0 has cost -2e+30; \(window)")
    var tiny = Self.base()
    tiny.setColumnBounds(1, .between(-1e-31, 1))
    Self.expectError(tiny, "Column 1 has lower bound -1e-31; \(window)")
    var subnormal = Self.base()
    subnormal.addRow([(1, .leastNonzeroMagnitude)], bounds: .free)
    Self.expectError(subnormal, "Row 1 has coefficient 5e-324 for column 1; \(window)")

    var edges = Self.base()
    edges.addRow([(0, 1e30), (1, -1e-30)], bounds: .between(-1e30, 0))
    edges.setCost(1, 0)
    for method in [LPMethod.simplex, .exact] {
      let result = try GLPK.solveVerified(edges, method: method)
      #expect(result.solution.status == .optimal)
      #expect(result.verification.verified, "\(result.verification.detail)")
    }
  }

  @Test("A program without rows is valid")
  func noRows() throws {
    var program = LinearProgram()
    program.addColumn(bounds: .between(0, 1), cost: 1)
    try program.validate()
  }

  /// Hostile programs: extreme, non-finite and out-of-range inputs. Solving must either throw a
  /// validation error or return an answer; a GLPK abort would kill the test process.
  @Test("No buildable program makes GLPK abort")
  func hostileProgramsNeverAbort() async {
    let invalid: [Double] = [.nan, .infinity, -.infinity, 1e300, -1e40, 1e-200, .leastNonzeroMagnitude]
    let valid: [Double] = [0, 1, -1, -2.5, 3, 0.1, 7e5, 1e15, 1e30, -1e30, 1e-30, -1e-30, 1e-10]
    // Mostly valid numbers, so that about a third of the programs pass validation and reach GLPK.
    let values = invalid + Array(repeating: valid, count: 4).joined()
    let value = Gen.element(of: values).compactMap { $0 }
    let bounds = zip(value, value, Gen.int(in: 0...3)).map { a, b, kind -> LinearProgram.Bounds in
      switch kind {
      case 0: .init(lower: a, upper: b)
      case 1: .atLeast(a)
      case 2: .atMost(b)
      default: .between(Swift.min(a, b), Swift.max(a, b))
      }
    }
    let column = zip(bounds, value)
    let term = zip(Gen.int(in: -1...3), value).map { (column: $0, value: $1) }
    let row = zip(term.array(of: 0...4), bounds)
    await propertyCheck(
      count: 300, input: column.array(of: 0...4), row.array(of: 0...4), Gen.bool, Gen.element(of: [LPMethod.simplex, .exact]).compactMap { $0 }
    ) { columns, rows, maximize, method in
      var program = LinearProgram(direction: maximize ? .maximize : .minimize)
      for (bounds, cost) in columns { program.addColumn(bounds: bounds, cost: cost) }
      for (terms, bounds) in rows { program.addRow(terms, bounds: bounds) }
      do {
        let result = try GLPK.solveVerified(program, method: method)
        #expect(result.solution.primal.count == program.columnCount)
        #expect(result.solution.rowDuals.count == program.rowCount)
      } catch {
        #expect(error is LPValidationError)
      }
    }
  }
}
