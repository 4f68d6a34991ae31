//===- Parser.h - recursive-descent parser of .model files ------*- C++ -*-===//

#ifndef ALEX_FRONTEND_PARSER_H
#define ALEX_FRONTEND_PARSER_H

#include "frontend/AST.h"
#include "frontend/Lexer.h"

#include "llvm/ADT/Twine.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace alex {

/// Parses one buffer of a SourceMgr. Grammar (docs/ModelLanguage.md):
///
///   model   := 'model' NAME section*
///   section := NAME '{' entry* '}'
///   entry   := target (',' target)* '=' expr
///   target  := NAME ('.' NAME)? | '*' '.' NAME
///   expr    := INTEGER | FLOAT | SHAPE | STRING | NAME | NAME '(' args? ')'
///   args    := arg (',' arg)*       arg := (NAME '=')? expr
class Parser {
public:
  Parser(llvm::SourceMgr &sourceMgr, unsigned bufferId);

  /// Returns the tree, or null after printing the first syntax error.
  std::unique_ptr<ModelAST> parseModel();

private:
  bool parseSection(Section &section);
  bool parseEntry(Entry &entry);
  bool parseTarget(Target &target);
  std::unique_ptr<Expr> parseExpr(unsigned depth);
  /// Parses what follows a name that was just consumed: `(args)` or nothing.
  std::unique_ptr<Expr> parseNameOrCall(const Token &name, unsigned depth);
  bool parseArgs(Expr &call, unsigned depth);
  /// `[value, ...]`, the current token being '['.
  std::unique_ptr<Expr> parseList(unsigned depth);

  void consume() { tok = lexer.next(); }
  /// Consumes a token of `kind`, or reports "expected <what>".
  bool expect(TokenKind kind, llvm::StringRef what);
  bool expectIdentifier(std::string &name, llvm::StringRef what);
  /// Reports at `loc`; always returns false.
  bool error(llvm::SMLoc loc, const llvm::Twine &message);
  /// Reports "expected <what>" at the current token.
  bool errorExpected(llvm::StringRef what);

  llvm::SourceMgr &sourceMgr;
  Lexer lexer;
  Token tok;
};

} // namespace alex

#endif // ALEX_FRONTEND_PARSER_H
