//===- Parser.cpp - recursive-descent parser of .model files --------------===//

#include "frontend/Parser.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace alex;

/// Calls nest at most this deep, so no input can exhaust the stack.
static constexpr unsigned kMaxNesting = 16;

Parser::Parser(llvm::SourceMgr &sourceMgr, unsigned bufferId)
    : sourceMgr(sourceMgr),
      lexer(sourceMgr.getMemoryBuffer(bufferId)->getBuffer()) {
  consume();
}

bool Parser::error(llvm::SMLoc loc, const llvm::Twine &message) {
  sourceMgr.PrintMessage(loc, llvm::SourceMgr::DK_Error, message);
  return false;
}

bool Parser::errorExpected(llvm::StringRef what) {
  if (tok.is(TokenKind::Error))
    return error(tok.loc(), tok.error);
  if (tok.is(TokenKind::Eof))
    return error(tok.loc(), "expected " + what + ", found end of file");
  return error(tok.loc(), "expected " + what + ", found '" + tok.text + "'");
}

bool Parser::expect(TokenKind kind, llvm::StringRef what) {
  if (!tok.is(kind))
    return errorExpected(what);
  consume();
  return true;
}

bool Parser::expectIdentifier(std::string &name, llvm::StringRef what) {
  if (!tok.is(TokenKind::Identifier))
    return errorExpected(what);
  name = tok.text.str();
  consume();
  return true;
}

std::unique_ptr<ModelAST> Parser::parseModel() {
  auto model = std::make_unique<ModelAST>();
  if (!tok.is(TokenKind::Identifier) || tok.text != "model") {
    errorExpected("'model <name>' at the start of the file");
    return nullptr;
  }
  consume();
  model->loc = tok.loc();
  if (!expectIdentifier(model->name, "the model's name"))
    return nullptr;
  while (!tok.is(TokenKind::Eof)) {
    Section &section = model->sections.emplace_back();
    if (!parseSection(section))
      return nullptr;
  }
  return model;
}

bool Parser::parseSection(Section &section) {
  section.loc = tok.loc();
  if (!expectIdentifier(section.name, "a section name") ||
      !expect(TokenKind::LBrace, "'{' after the section name"))
    return false;
  while (!tok.is(TokenKind::RBrace)) {
    if (tok.is(TokenKind::Eof))
      return error(section.loc,
                   "section '" + section.name + "' is not closed with '}'");
    Entry &entry = section.entries.emplace_back();
    if (!parseEntry(entry))
      return false;
  }
  consume();
  return true;
}

bool Parser::parseEntry(Entry &entry) {
  entry.loc = tok.loc();
  do {
    if (!entry.targets.empty())
      consume(); // ','
    if (!parseTarget(entry.targets.emplace_back()))
      return false;
  } while (tok.is(TokenKind::Comma));
  if (!expect(TokenKind::Equal,
              "'=' after '" + entry.targets.back().name + "'"))
    return false;
  entry.value = parseExpr(0);
  return entry.value != nullptr;
}

bool Parser::parseTarget(Target &target) {
  target.loc = tok.loc();
  if (tok.is(TokenKind::Star)) {
    target.name = "*";
    consume();
    if (!tok.is(TokenKind::Dot))
      return errorExpected("'.' after '*' (as in *.weight)");
  } else if (!expectIdentifier(target.name, "a name")) {
    return false;
  }
  if (!tok.is(TokenKind::Dot))
    return true;
  consume();
  return expectIdentifier(target.field, "a field name after '.'");
}

std::unique_ptr<Expr> Parser::parseExpr(unsigned depth) {
  if (depth > kMaxNesting)
    return error(tok.loc(), "calls nested too deeply"), nullptr;

  auto expr = std::make_unique<Expr>();
  expr->loc = tok.loc();
  switch (tok.kind) {
  case TokenKind::Integer:
    expr->kind = Expr::Kind::Integer;
    expr->intValue = tok.intValue;
    expr->floatValue = tok.floatValue;
    break;
  case TokenKind::Float:
    expr->kind = Expr::Kind::Float;
    expr->floatValue = tok.floatValue;
    break;
  case TokenKind::Shape:
    expr->kind = Expr::Kind::Shape;
    expr->dims = tok.dims;
    break;
  case TokenKind::String:
    expr->kind = Expr::Kind::String;
    expr->text = tok.text.drop_front().drop_back().str();
    break;
  case TokenKind::Identifier: {
    Token name = tok;
    consume();
    return parseNameOrCall(name, depth);
  }
  case TokenKind::LBracket:
    return parseList(depth);
  default:
    return errorExpected("a value"), nullptr;
  }
  consume();
  return expr;
}

std::unique_ptr<Expr> Parser::parseNameOrCall(const Token &name,
                                              unsigned depth) {
  if (depth > kMaxNesting)
    return error(name.loc(), "calls nested too deeply"), nullptr;
  auto expr = std::make_unique<Expr>();
  expr->kind = Expr::Kind::Name;
  expr->loc = name.loc();
  expr->text = name.text.str();
  if (!tok.is(TokenKind::LParen))
    return expr;
  expr->kind = Expr::Kind::Call;
  consume();
  if (!parseArgs(*expr, depth))
    return nullptr;
  return expr;
}

std::unique_ptr<Expr> Parser::parseList(unsigned depth) {
  auto list = std::make_unique<Expr>();
  list->kind = Expr::Kind::List;
  list->loc = tok.loc();
  consume();
  while (!tok.is(TokenKind::RBracket)) {
    if (!list->args.empty() && !expect(TokenKind::Comma, "',' or ']'"))
      return nullptr;
    Arg &element = list->args.emplace_back();
    element.value = parseExpr(depth + 1);
    if (!element.value)
      return nullptr;
  }
  consume();
  return list;
}

bool Parser::parseArgs(Expr &call, unsigned depth) {
  while (!tok.is(TokenKind::RParen)) {
    if (!call.args.empty() && !expect(TokenKind::Comma, "',' or ')'"))
      return false;
    Arg &arg = call.args.emplace_back();
    // `name = value` is a keyword argument; a bare name is a value.
    if (tok.is(TokenKind::Identifier)) {
      Token name = tok;
      consume();
      if (tok.is(TokenKind::Equal)) {
        arg.key = name.text.str();
        arg.keyLoc = name.loc();
        consume();
        arg.value = parseExpr(depth + 1);
      } else {
        arg.value = parseNameOrCall(name, depth + 1);
      }
    } else {
      arg.value = parseExpr(depth + 1);
    }
    if (!arg.value)
      return false;
  }
  consume();
  return true;
}
