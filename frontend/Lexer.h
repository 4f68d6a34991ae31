//===- Lexer.h - tokens of the .model language ------------------*- C++ -*-===//

#ifndef ALEX_FRONTEND_LEXER_H
#define ALEX_FRONTEND_LEXER_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>

namespace alex {

/// The kinds of token of the .model language.
enum class TokenKind {
  Eof,
  Error,      ///< A bad character or literal; the text says which.
  Identifier, ///< [A-Za-z_][A-Za-z0-9_]*
  Integer,    ///< 42
  Float,      ///< 0.5, 1e-4
  Shape,      ///< 3x224x224 (dimensions joined by 'x', no spaces)
  String,     ///< "text" (no escapes, one line)
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Equal,
  Dot,
  Star,
};

/// A token: its kind, its text in the source buffer, and its value for
/// literals.
struct Token {
  TokenKind kind = TokenKind::Eof;
  llvm::StringRef text;
  int64_t intValue = 0;
  double floatValue = 0;
  llvm::SmallVector<int64_t, 4> dims;
  /// For Error tokens: what is wrong.
  const char *error = nullptr;

  llvm::SMLoc loc() const { return llvm::SMLoc::getFromPointer(text.data()); }
  bool is(TokenKind k) const { return kind == k; }
};

/// Splits a .model buffer into tokens. Comments run from '#' to the end of
/// the line. Never fails: bad input becomes an Error token.
class Lexer {
public:
  explicit Lexer(llvm::StringRef buffer)
      : buffer(buffer), cur(buffer.begin()) {}

  /// Returns the next token (Eof forever at the end).
  Token next();

private:
  Token make(TokenKind kind, const char *start);
  Token makeError(const char *start, const char *message);
  Token lexNumber(const char *start);
  Token lexString(const char *start);
  void skipSpaceAndComments();

  llvm::StringRef buffer;
  const char *cur;
};

/// A printable name for a token kind, for "expected X" messages.
llvm::StringRef spell(TokenKind kind);

} // namespace alex

#endif // ALEX_FRONTEND_LEXER_H
