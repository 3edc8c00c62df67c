using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL.Query;
using TalkNTalk.Core.Common;

namespace TalkNTalk.Core.Data;

/// <summary>
/// Translates <see cref="Like.Matches"/> for each engine, so a search reads the same in every service and ignores case on
/// both: <c>LIKE … ESCAPE '\'</c> on SQLite (as <c>EF.Functions.Like</c> wrote it), <c>ILIKE … ESCAPE '\'</c> on
/// PostgreSQL. An EF query plugin, added to the options of either engine by <c>ConfigureDb</c>.
/// </summary>
internal sealed class LikeTranslation : IDbContextOptionsExtension
{
    private LikeTranslation() => Info = new ExtensionInfo(this);

    public static void AddTo(DbContextOptionsBuilder options) =>
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(
            options.Options.FindExtension<LikeTranslation>() ?? new LikeTranslation());

    public DbContextOptionsExtensionInfo Info { get; }

    public void ApplyServices(IServiceCollection services) =>
        new EntityFrameworkRelationalServicesBuilder(services).TryAdd<IMethodCallTranslatorPlugin, Plugin>();

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class Plugin(ISqlExpressionFactory sql) : IMethodCallTranslatorPlugin
    {
        public IEnumerable<IMethodCallTranslator> Translators { get; } = [new Translator(sql)];
    }

    private sealed class Translator(ISqlExpressionFactory sql) : IMethodCallTranslator
    {
        private static readonly MethodInfo Matches = typeof(Like).GetMethod(nameof(Like.Matches))!;

        public SqlExpression? Translate(SqlExpression? instance, MethodInfo method, IReadOnlyList<SqlExpression> arguments,
            IDiagnosticsLogger<DbLoggerCategory.Query> logger)
        {
            if (method != Matches)
                return null;
            // The pattern, a parameter, takes the column's type, as EF's own LIKE translation does.
            var text = Microsoft.EntityFrameworkCore.Query.ExpressionExtensions.InferTypeMapping(arguments[0], arguments[1]);
            var value = sql.ApplyTypeMapping(arguments[0], text);
            var pattern = sql.ApplyTypeMapping(arguments[1], text);
            var escape = sql.Constant(Like.Escape, text);
            return sql is NpgsqlSqlExpressionFactory postgres ? postgres.ILike(value, pattern, escape) : sql.Like(value, pattern, escape);
        }
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
        {
        }
    }
}
