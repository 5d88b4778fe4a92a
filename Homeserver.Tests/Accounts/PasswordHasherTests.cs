using Homeserver.Accounts;
using Homeserver.Configuration;

namespace Homeserver.Tests.Accounts;

public class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new(new HomeserverConfig { BcryptRounds = 4 });

    [Fact]
    public void A_hash_made_by_another_bcrypt_implementation_verifies()
    {
        // A $2b$ vector from pyca/bcrypt's test suite (the library Synapse hashes with).
        _hasher.Verify("Kk4DQuMMfZL9o", "$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm").Should().BeTrue();
        _hasher.Verify("Kk4DQuMMfZL9O", "$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm").Should().BeFalse();
    }

    [Fact]
    public void New_hashes_are_2b_with_the_configured_rounds_and_salted()
    {
        var first = _hasher.Hash("secret");
        first.Should().StartWith("$2b$04$");
        _hasher.Hash("secret").Should().NotBe(first);
        _hasher.Verify("secret", first).Should().BeTrue();
        _hasher.Verify("Secret", first).Should().BeFalse();
    }

    [Fact]
    public void Missing_and_malformed_hashes_match_nothing()
    {
        _hasher.Verify("anything", null).Should().BeFalse();
        _hasher.Verify("anything", "not a bcrypt hash").Should().BeFalse();
        _hasher.Verify("anything", "").Should().BeFalse();
    }

    [Fact]
    public void Passwords_are_compared_in_NFKC_form_as_Synapse_hashes_them()
    {
        var hash = _hasher.Hash("\uFB01sh"); // the "fi" ligature
        _hasher.Verify("fish", hash).Should().BeTrue();
        _hasher.Verify("\uFF46ish", hash).Should().BeTrue("a full-width f is an f in NFKC");
        _hasher.Verify("fisH", hash).Should().BeFalse();
    }
}
