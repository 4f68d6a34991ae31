//===- AST.h - syntax tree of the .model language ---------------*- C++ -*-===//
//
// The tree mirrors the text: a model is a list of sections, a section a list
// of `targets = value` entries. What the keys mean is Sema's business.
//
//===----------------------------------------------------------------------===//

#ifndef ALEX_FRONTEND_AST_H
#define ALEX_FRONTEND_AST_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
class SourceMgr;
} // namespace llvm

namespace alex {

struct Expr;

/// One argument of a call: positional when `key` is empty.
struct Arg {
  std::string key;
  llvm::SMLoc keyLoc;
  std::unique_ptr<Expr> value;
};

/// A value: a literal, a name, a call such as `conv(x, filters=96)`, or a
/// list such as `[0.485, 0.456, 0.406]` (its elements are positional args).
struct Expr {
  enum class Kind { Integer, Float, Shape, String, Name, Call, List };
  Kind kind;
  llvm::SMLoc loc;
  int64_t intValue = 0;
  double floatValue = 0;
  llvm::SmallVector<int64_t, 4> dims;
  /// The string's contents, the name, or the callee.
  std::string text;
  std::vector<Arg> args;

  bool isNumber() const { return kind == Kind::Integer || kind == Kind::Float; }
};

/// The left-hand side of an entry: `name`, `layer.field` or `*.field`.
struct Target {
  std::string name;
  std::string field; ///< Empty when there is no `.field`.
  llvm::SMLoc loc;
};

/// `targets = value`.
struct Entry {
  std::vector<Target> targets;
  std::unique_ptr<Expr> value;
  llvm::SMLoc loc;
};

/// `name { entries }`.
struct Section {
  std::string name;
  llvm::SMLoc loc;
  std::vector<Entry> entries;
};

/// A whole .model file.
struct ModelAST {
  std::string name;
  llvm::SMLoc loc;
  std::vector<Section> sections;
};

/// Prints the tree, one node a line, with line:col of each node.
void dumpAST(const ModelAST &model, const llvm::SourceMgr &sourceMgr,
             llvm::raw_ostream &os);

/// A printable name of an expression kind ("an integer", "a call", ...).
llvm::StringRef describe(Expr::Kind kind);

} // namespace alex

#endif // ALEX_FRONTEND_AST_H
