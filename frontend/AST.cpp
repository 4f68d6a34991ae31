//===- AST.cpp - printing the .model syntax tree --------------------------===//

#include "frontend/AST.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace alex;

namespace {
/// Prints nodes with their source positions.
class ASTPrinter {
public:
  ASTPrinter(const llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os)
      : sourceMgr(sourceMgr), os(os) {}

  void print(const ModelAST &model) {
    os << "model " << model.name << " " << where(model.loc) << "\n";
    for (const Section &section : model.sections) {
      os << "  section " << section.name << " " << where(section.loc) << "\n";
      for (const Entry &entry : section.entries) {
        os << "    ";
        llvm::interleaveComma(entry.targets, os, [&](const Target &target) {
          os << target.name;
          if (!target.field.empty())
            os << "." << target.field;
        });
        os << " = ";
        print(*entry.value);
        os << " " << where(entry.loc) << "\n";
      }
    }
  }

private:
  std::string where(llvm::SMLoc loc) {
    auto [line, col] = sourceMgr.getLineAndColumn(loc);
    return "@" + std::to_string(line) + ":" + std::to_string(col);
  }

  void print(const Expr &expr) {
    switch (expr.kind) {
    case Expr::Kind::Integer:
      os << expr.intValue;
      return;
    case Expr::Kind::Float:
      os << llvm::format("%g", expr.floatValue);
      return;
    case Expr::Kind::Shape:
      llvm::interleave(expr.dims, os, "x");
      return;
    case Expr::Kind::String:
      os << '"' << expr.text << '"';
      return;
    case Expr::Kind::Name:
      os << expr.text;
      return;
    case Expr::Kind::Call:
      os << expr.text << "(";
      llvm::interleaveComma(expr.args, os, [&](const Arg &arg) {
        if (!arg.key.empty())
          os << arg.key << "=";
        print(*arg.value);
      });
      os << ")";
      return;
    case Expr::Kind::List:
      os << "[";
      llvm::interleaveComma(expr.args, os,
                            [&](const Arg &arg) { print(*arg.value); });
      os << "]";
      return;
    }
  }

  const llvm::SourceMgr &sourceMgr;
  llvm::raw_ostream &os;
};
} // namespace

void alex::dumpAST(const ModelAST &model, const llvm::SourceMgr &sourceMgr,
                   llvm::raw_ostream &os) {
  ASTPrinter(sourceMgr, os).print(model);
}

llvm::StringRef alex::describe(Expr::Kind kind) {
  switch (kind) {
  case Expr::Kind::Integer:
    return "an integer";
  case Expr::Kind::Float:
    return "a number";
  case Expr::Kind::Shape:
    return "a shape";
  case Expr::Kind::String:
    return "a string";
  case Expr::Kind::Name:
    return "a name";
  case Expr::Kind::Call:
    return "a call";
  case Expr::Kind::List:
    return "a list";
  }
  return "a value";
}
